#!/usr/bin/env node
// The npm registry reachable from Keel's build machines serves only the
// linux-x64 builds of packages that ship one binary package per platform
// (@foundry-rs/*, @swc/core). npm then writes a lock file without the other
// platforms' optional packages, and `npm ci` refuses that lock as out of sync.
// This script adds lock entries for those optional platform packages, marked
// with their os/cpu so npm skips them on this platform (nothing is fetched).
// Run it after any `npm install` that rewrites package-lock.json.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
const osCpu = (name) => {
  const n = name.split('/').pop();
  const os = /darwin/.test(n) ? 'darwin' : /win32/.test(n) ? 'win32' : /linux/.test(n) ? 'linux' : /freebsd/.test(n) ? 'freebsd' : undefined;
  const cpu = /arm64|aarch64/.test(n) ? 'arm64' : /ia32/.test(n) ? 'ia32' : /-arm-|armv7|gnueabihf/.test(n) ? 'arm' : /ppc64/.test(n) ? 'ppc64' : /s390x/.test(n) ? 's390x' : /x64|amd64/.test(n) ? 'x64' : undefined;
  const libc = /musl/.test(n) ? 'musl' : /gnu/.test(n) ? 'glibc' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [path, meta] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (pkgs[key] || pkgs[hoisted]) continue;
    const { os, cpu, libc } = osCpu(dep);
    if (!os && !cpu) continue; // not a platform package: leave npm's decision alone
    pkgs[hoisted] = {
      version: range.replace(/^[\^~=]/, ''),
      optional: true,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(os ? { os: [os] } : {}),
      ...(libc ? { libc: [libc] } : {}),
    };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
writeFileSync('package-lock.json', JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platform-stubs: added ${added} optional platform entries`);
