#!/usr/bin/env node
// Keel's whole test suite, as `npm test` runs it (and CI through .ci/run):
//   1. lint (module boundaries live) and typecheck, every project; the projects whose
//      tsconfig only extends tsconfig.base.json with an `include` (all of them today) are
//      typechecked as one TypeScript program: the same files under the same options, but
//      the shared libraries and node_modules types are checked once instead of once per
//      project (measured: ~55 CPU-seconds instead of ~425)
//   2. unit tests (*.spec.ts) and forge tests (contracts:test)
//   3. integration tests (*.integration-spec.ts) against real PostgreSQL,
//      a real Apache Kafka broker (libs/testing: startTestKafka) and anvil, one project at a time
//   4. the signing benchmark with a small N (bench/signing): that it runs end to end and every
//      operation completes; its figures are printed, not asserted (bench/RESULTS.md has the
//      measurements)
//   5. the newcomer's path (infra/scripts/newcomer.mjs): a clean clone of HEAD, npm ci,
//      npm start in the background, npm run demo, a transfer signed by a holder's wallet,
//      Ctrl-C, and a clean exit — the README's quick start as written
// Every phase runs even if an earlier one failed, so one run shows every
// failure; the exit code is non-zero if anything failed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NX_SKIP_NX_CACHE: process.env.CI ? 'true' : (process.env.NX_SKIP_NX_CACHE ?? 'false'),
  FORCE_COLOR: process.env.FORCE_COLOR ?? '0',
};
const nx = 'node_modules/.bin/nx';
const root = resolve(import.meta.dirname, '../..');

const phases = [
  { name: 'lint', targets: ['lint'], parallel: 2 },
  { name: 'typecheck', targets: ['typecheck'], parallel: 2 }, // see typecheck() below
  { name: 'unit', targets: ['test'], parallel: 1 },
  { name: 'integration', targets: ['integration'], parallel: 1 },
  {
    name: 'bench',
    task: 'bench:signing (small N)',
    command: ['npm', 'run', 'bench:signing'],
    env: { BENCH_N: '48', BENCH_L2_N: '200', BENCH_L0_N: '200', BENCH_INFLIGHT: '32' },
  },
  {
    name: 'newcomer',
    task: 'newcomer (clean clone: npm ci, npm start, npm run demo, holder transfer, Ctrl-C)',
    command: ['node', 'infra/scripts/newcomer.mjs'],
  },
];

function projectsWith(target) {
  const r = spawnSync(nx, ['show', 'projects', '--with-target', target, '--json'], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`nx show projects failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Runs a command with its output streamed live and kept (the tail) for parsing. */
function run(cmd, args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Both streams are kept (interleaved, as printed): Nx prints its "Failed tasks:" summary
    // on stderr.
    let stdout = '';
    const keep = (sink) => (chunk) => {
      sink.write(chunk);
      stdout += chunk.toString('utf8');
      if (stdout.length > 8 * 1024 * 1024) stdout = stdout.slice(-4 * 1024 * 1024);
    };
    child.stdout.on('data', keep(process.stdout));
    child.stderr.on('data', keep(process.stderr));
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

/** Runs Nx targets; returns the failed `project:target`s. */
async function runNx(targets, parallel, extra = []) {
  const r = await run(nx, [
    'run-many',
    '-t',
    ...targets,
    `--parallel=${parallel}`,
    '--outputStyle=stream',
    '--nxBail=false',
    ...extra,
  ]);
  const failedHere = new Set();
  // Nx ends a failed run with "Failed tasks:" and one "- project:target" line each.
  const out = r.stdout ?? '';
  const tail = out.slice(out.lastIndexOf('Failed tasks:'));
  if (out.includes('Failed tasks:')) {
    for (const m of tail.matchAll(/^\s*- ([\w.@/-]+:[\w-]+)\s*$/gm)) failedHere.add(m[1]);
  }
  if (r.status !== 0 && failedHere.size === 0)
    failedHere.add(`${targets.join(',')} (nx exited ${r.status})`);
  if (r.status !== 0) for (const task of failedHere) digests.push(failureDigest(task, out));
  return r.status === 0 ? new Set() : failedHere;
}

/**
 * What a failed task printed about its failure, for the end of the log: CI keeps only the
 * log's tail, and one task's failure is otherwise thousands of lines above it. Nx prefixes
 * each streamed line with `project:`; vitest starts its failure report with "Failed Tests".
 */
function failureDigest(task, out) {
  const project = task.slice(0, task.lastIndexOf(':'));
  const prefix = `${project}:`;
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length).replace(/^ /, ''));
  const start = lines.findIndex((l) => /Failed Tests \d+|FAIL /.test(l));
  const picked = start >= 0 ? lines.slice(start, start + 80) : lines.slice(-40);
  return `--- ${task}\n${picked.join('\n')}`;
}

/**
 * The `include` globs of a project whose typecheck target is `tsc -p <tsconfig> --noEmit`
 * and whose tsconfig adds nothing to tsconfig.base.json but `include`, relative to the
 * workspace root; null for any other project (it keeps its own target).
 */
function sharedProgramIncludes(projectRoot, target) {
  const m = /^tsc -p (\S+) --noEmit$/.exec(target?.options?.command ?? '');
  if (target?.executor !== 'nx:run-commands' || !m || (target.options.cwd ?? '') !== '')
    return null;
  const tsconfig = resolve(root, m[1]);
  let config;
  try {
    config = JSON.parse(readFileSync(tsconfig, 'utf8'));
  } catch {
    return null;
  }
  const keys = Object.keys(config).sort().join(',');
  if (keys !== 'extends,include' || !Array.isArray(config.include)) return null;
  if (resolve(dirname(tsconfig), config.extends) !== join(root, 'tsconfig.base.json')) return null;
  if (relative(root, dirname(tsconfig)) !== projectRoot) return null;
  return config.include.map((g) => join(projectRoot, g));
}

/** Typecheck: one program for the projects that share the base options, Nx for the rest. */
async function typecheck(tasks) {
  const graph = spawnSync(nx, ['graph', '--file=stdout'], { env, encoding: 'utf8' });
  if (graph.status !== 0) throw new Error(`nx graph failed:\n${graph.stderr}`);
  const nodes = JSON.parse(graph.stdout).graph.nodes;
  const shared = [];
  const separate = [];
  for (const task of tasks) {
    const project = task.slice(0, task.lastIndexOf(':'));
    const data = nodes[project]?.data;
    const include = data && sharedProgramIncludes(data.root, data.targets?.typecheck);
    if (include) shared.push({ project, root: data.root, include });
    else separate.push(project);
  }
  const failedHere = new Set();
  if (shared.length > 0) {
    // What the typecheck targets depend on (^build: the generated ABIs).
    for (const f of await runNx(['build'], 1)) failedHere.add(f);
    const dir = join(root, 'node_modules/.cache/keel-test-all');
    mkdirSync(dir, { recursive: true });
    const tsconfig = join(dir, 'tsconfig.typecheck.json');
    const rel = (p) => relative(dir, join(root, p));
    writeFileSync(
      tsconfig,
      JSON.stringify({
        extends: rel('tsconfig.base.json'),
        include: shared.flatMap((s) => s.include.map(rel)),
      }),
    );
    console.log(`> tsc --noEmit, one program: ${shared.map((s) => s.project).join(', ')}`);
    const r = await run('node_modules/.bin/tsc', ['-p', tsconfig, '--noEmit', '--pretty', 'false']);
    if (r.status !== 0) {
      // Name the projects whose files have errors, as Nx would.
      const byDepth = [...shared].sort((a, b) => b.root.length - a.root.length);
      for (const m of r.stdout.matchAll(/^(\S[^(\n]*)\(\d+,\d+\): error /gm)) {
        const file = relative(root, resolve(root, m[1]));
        const owner = byDepth.find((s) => file.startsWith(`${s.root}/`));
        failedHere.add(owner ? `${owner.project}:typecheck` : `typecheck (${file})`);
      }
      if (failedHere.size === 0) failedHere.add(`typecheck (tsc exited ${r.status})`);
    }
  }
  if (separate.length > 0)
    for (const f of await runNx(['typecheck'], 2, [`--projects=${separate.join(',')}`]))
      failedHere.add(f);
  return failedHere;
}

/** A phase that is one command (not Nx targets): its one task failed if it exits non-zero. */
async function runCommand(phase) {
  const [cmd, ...args] = phase.command;
  console.log(
    `> ${Object.entries(phase.env ?? {})
      .map(([k, v]) => `${k}=${v} `)
      .join('')}${phase.command.join(' ')}`,
  );
  const r = await run(cmd, args, phase.env);
  return r.status === 0 ? new Set() : new Set([phase.task]);
}

const digests = [];
let passed = 0;
let failed = 0;
const failures = [];
const started = Date.now();
// KEEL_TEST_PHASES=typecheck,unit runs only those phases (default: all).
const only = process.env.KEEL_TEST_PHASES?.split(',').map((p) => p.trim());
for (const phase of phases) {
  if (only && !only.includes(phase.name)) continue;
  const tasks = phase.command
    ? [phase.task]
    : phase.targets.flatMap((t) => projectsWith(t).map((p) => `${p}:${t}`));
  if (tasks.length === 0) continue;
  const t0 = Date.now();
  console.log(`\n=== ${phase.name}: ${tasks.length} task(s) ===`);
  const failedHere = phase.command
    ? await runCommand(phase)
    : phase.name === 'typecheck'
      ? await typecheck(tasks)
      : await runNx(phase.targets, phase.parallel);
  const nFailed = failedHere.size;
  failures.push(...failedHere);
  failed += nFailed;
  passed += Math.max(tasks.length - nFailed, 0);
  console.log(
    `=== ${phase.name}: ${nFailed === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s ===`,
  );
}
console.log(`\nKeel test suite finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (digests.length) console.log(`\n=== what the failed tasks printed ===\n${digests.join('\n')}`);
if (failures.length) console.log(`failed: ${[...new Set(failures)].join(', ')}`);
console.log(`tasks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
