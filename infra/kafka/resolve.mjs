#!/usr/bin/env node
// Resolves the Apache Kafka broker's jars (pom.xml beside this file) into an ignored cache,
// once, and prints the folder that holds them. libs/testing runs it before starting a broker
// (it returns at once when the cache is there); .ci/run runs it as its own step so the
// download shows in CI's log. The folder is keyed by a hash of pom.xml: a version change
// resolves anew, and a half-finished resolution (interrupted mvn) is never used, because the
// jars are copied into a temporary folder that is renamed into place only when mvn succeeded.
//   node infra/kafka/resolve.mjs            prints <cache>/lib
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const pom = join(here, 'pom.xml');
const key = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 12);
const cache = join(here, '.cache');
const lib = join(cache, key, 'lib');

if (!existsSync(join(lib, '.complete'))) {
  mkdirSync(cache, { recursive: true });
  const partial = join(cache, `${key}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  process.stderr.write(`resolving the Kafka broker's jars (${pom}) into ${lib}\n`);
  const r = spawnSync(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      pom,
      'dependency:copy-dependencies',
      `-DoutputDirectory=${join(partial, 'lib')}`,
      '-DincludeScope=runtime',
    ],
    // mvn's own output goes to stderr: stdout carries only the folder.
    { stdio: ['ignore', 2, 2] },
  );
  if (r.error || r.status !== 0) {
    rmSync(partial, { recursive: true, force: true });
    process.stderr.write(
      `mvn failed (${r.error?.message ?? `exit ${r.status}`}): install Java 17 and Maven ` +
        '(Debian: apt-get install -y openjdk-17-jre-headless maven) and reach Maven Central\n',
    );
    process.exit(1);
  }
  // Written last: the folder is whole.
  writeFileSync(join(partial, 'lib', '.complete'), '');
  try {
    renameSync(partial, join(cache, key));
  } catch (err) {
    // Another run resolved it meanwhile: keep theirs.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(lib, '.complete'))) throw err;
  }
}
process.stdout.write(`${lib}\n`);
