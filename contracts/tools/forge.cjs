#!/usr/bin/env node
// Runs the native forge binary from npm (@foundry-rs/forge-<os>-<arch>) and exits with
// ITS exit code. The package's own `node_modules/.bin/forge` launcher does not
// propagate the child's exit status (a failing `forge test` exits 0), so Nx targets
// and CI call forge through this script.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const os = { linux: 'linux', darwin: 'darwin', win32: 'win32' }[process.platform];
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch];
const exe = process.platform === 'win32' ? 'forge.exe' : 'forge';
const searchFrom = [path.resolve(__dirname, '..', '..'), process.cwd()];

function resolveBinary() {
  const candidates = [];
  if (os && arch) candidates.push(`@foundry-rs/forge-${os}-${arch}/bin/${exe}`);
  candidates.push(`@foundry-rs/forge/dist/${exe}`);
  for (const c of candidates) {
    try {
      const p = require.resolve(c, { paths: searchFrom });
      if (fs.existsSync(p)) return p;
    } catch {
      // next candidate
    }
  }
  process.stderr.write(
    `forge binary for ${process.platform}/${process.arch} not found; install it with \`npm ci\` (package @foundry-rs/forge)\n`,
  );
  process.exit(127);
}

const result = spawnSync(resolveBinary(), process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`failed to start forge: ${result.error.message}\n`);
  process.exit(127);
}
process.exit(result.status === null ? 1 : result.status);
