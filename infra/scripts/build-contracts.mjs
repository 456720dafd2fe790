#!/usr/bin/env node
// Builds what `npm start` (and the start:<service> scripts of the services that import
// @keel/abi) need before they run: the contracts and the TypeScript ABIs generated from them
// (libs/abi/src/generated, not in git). It is the Nx target `abi:build` → `contracts:build`
// (forge through solcjs, then the ABI codegen), so it is cached by Nx on the contracts'
// sources: the first run on a fresh clone takes about a minute, a run with nothing changed
// a few seconds. Progress goes to stdout; on failure, the build's own output.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const nx = join(root, 'node_modules/.bin/nx');
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
const step = (message) => process.stdout.write(`[${elapsed()}] ${message}\n`);

if (!existsSync(nx)) {
  step('node_modules is missing: run `npm ci` in the repository root first');
  process.exit(1);
}

const title = 'contracts and their TypeScript ABIs (nx run abi:build, cached)';
step(`${title} …`);
const child = spawn(nx, ['run', 'abi:build', '--outputStyle=stream'], {
  cwd: root,
  env: {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    FORCE_COLOR: '0',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
const keep = (chunk) => {
  output = (output + chunk.toString('utf8')).slice(-64 * 1024);
};
child.stdout.on('data', keep);
child.stderr.on('data', keep);
// The first build compiles every contract with solcjs (WebAssembly): say that it is alive.
const heartbeat = setInterval(() => {
  const compiling = /Compiling \d+ files?/.test(output) ? 'compiling the contracts (solcjs)' : '';
  step(`  … still building${compiling ? `: ${compiling}` : ''}`);
}, 10_000);

child.on('close', (code, signal) => {
  clearInterval(heartbeat);
  if (code === 0) {
    // Nx marks a task it did not run (and replays its old output after the mark):
    // "[local cache]" or "[existing outputs match the cache, left as is]".
    const cached = /nx run contracts:build\s+\[(local cache|existing outputs match)/.test(output);
    step(`${title} ✓ (${cached ? 'up to date' : 'built'})`);
    process.exit(0);
  }
  process.stdout.write(output);
  step(`${title} failed (${signal ?? `exit code ${code}`}); the build's output is above`);
  process.exit(code ?? 1);
});
