#!/usr/bin/env node
// Keel's whole test suite, as `npm test` runs it (and CI through .ci/run):
//   1. lint (module boundaries live) and typecheck, every project
//   2. unit tests (*.spec.ts) and forge tests (contracts:test)
//   3. integration tests (*.integration-spec.ts) against real PostgreSQL,
//      the librdkafka mock Kafka cluster and anvil, one project at a time
// Every phase runs even if an earlier one failed, so one run shows every
// failure; the exit code is non-zero if anything failed.
import { spawn, spawnSync } from 'node:child_process';

const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.CI ? 'true' : (process.env.NX_SKIP_NX_CACHE ?? 'false'),
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const nx = 'node_modules/.bin/nx';

const phases = [
  { name: 'lint', targets: ['lint'], parallel: 2 },
  { name: 'typecheck', targets: ['typecheck'], parallel: 2 },
  { name: 'unit', targets: ['test'], parallel: 1 },
  { name: 'integration', targets: ['integration'], parallel: 1 },
];

function projectsWith(target) {
  const r = spawnSync(nx, ['show', 'projects', '--with-target', target, '--json'], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`nx show projects failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

let passed = 0;
let failed = 0;
const failures = [];
const started = Date.now();
for (const phase of phases) {
  const tasks = phase.targets.flatMap((t) => projectsWith(t).map((p) => `${p}:${t}`));
  if (tasks.length === 0) continue;
  const t0 = Date.now();
  console.log(`\n=== ${phase.name}: ${tasks.length} task(s) ===`);
  // Stream Nx's output live (progress on long runs) and keep it for the summary.
  const r = await new Promise((resolve) => {
    const child = spawn(
      nx,
      [
        'run-many',
        '-t',
        ...phase.targets,
        `--parallel=${phase.parallel}`,
        '--outputStyle=stream',
        '--nxBail=false',
      ],
      { env, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      stdout += chunk.toString('utf8');
      if (stdout.length > 8 * 1024 * 1024) stdout = stdout.slice(-4 * 1024 * 1024);
    });
    child.on('close', (status) => resolve({ status, stdout }));
  });
  const failedHere = new Set();
  // Nx ends a failed run with "Failed tasks:" and one "- project:target" line each.
  const out = r.stdout ?? '';
  const tail = out.slice(out.lastIndexOf('Failed tasks:'));
  if (out.includes('Failed tasks:')) {
    for (const m of tail.matchAll(/^\s*- ([\w.@/-]+:[\w-]+)\s*$/gm)) failedHere.add(m[1]);
  }
  if (r.status !== 0 && failedHere.size === 0)
    failedHere.add(`${phase.name} (nx exited ${r.status})`);
  const nFailed = r.status === 0 ? 0 : failedHere.size;
  failures.push(...failedHere);
  failed += nFailed;
  passed += Math.max(tasks.length - nFailed, 0);
  console.log(
    `=== ${phase.name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`,
  );
}
console.log(`\nKeel test suite finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length) console.log(`failed: ${[...new Set(failures)].join(', ')}`);
console.log(`tasks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
