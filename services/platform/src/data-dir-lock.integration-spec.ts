import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitUntil } from '@keel/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, type LockHolder } from './data-dir-lock';

// The data directory's lock against real files and real processes: children that take
// the lock through the same module, are killed -9, and race for a stale lock.
const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'keel-lock-'));
const lockFile = join(dir, 'keel.lock');
const children: ChildProcess[] = [];

const CHILD = `
const { acquireDataDirLock } = require(${JSON.stringify(resolve(__dirname, 'data-dir-lock.ts'))});
try {
  const lock = acquireDataDirLock(process.env.LOCK_FILE, (m) => console.log('LOG ' + m));
  lock.running('http://127.0.0.1:' + process.pid);
  console.log('LOCKED ' + process.pid);
  process.on('SIGTERM', () => { lock.release(); process.exit(0); });
  setInterval(() => {}, 1000);
} catch (err) {
  console.log('REFUSED ' + err.message);
  process.exit(3);
}`;

interface Child {
  readonly process: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function child(): Child {
  let out = '';
  const p = spawn(process.execPath, ['-r', '@swc-node/register', '-e', CHILD], {
    cwd: root,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json', LOCK_FILE: lockFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(p);
  p.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return { process: p, output: () => out, exited };
}

const holder = (): LockHolder => JSON.parse(readFileSync(lockFile, 'utf8')) as LockHolder;

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(lockFile, { force: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the data directory lock', () => {
  it('is created with this pid, records the gateway URL, and is removed on release', () => {
    const lock = acquireDataDirLock(lockFile, () => undefined);
    expect(holder()).toMatchObject({ pid: process.pid });
    lock.running('http://127.0.0.1:8080');
    expect(holder()).toMatchObject({ pid: process.pid, gatewayUrl: 'http://127.0.0.1:8080' });
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    lock.release(); // idempotent
  });

  it('is refused while a running process holds it, naming its pid and URL', async () => {
    const first = child();
    await waitUntil('the child holds the lock', async () => first.output().includes('LOCKED'), {
      timeoutMs: 30_000,
    });
    const pid = first.process.pid!;
    let refused: unknown;
    try {
      acquireDataDirLock(lockFile, () => undefined);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataDirLockedError);
    expect((refused as DataDirLockedError).holder).toMatchObject({
      pid,
      gatewayUrl: `http://127.0.0.1:${pid}`,
    });
    expect((refused as Error).message).toContain(`pid ${pid}`);
    expect((refused as Error).message).toContain(`http://127.0.0.1:${pid}/api/v1`);
    expect(holder().pid).toBe(pid); // left as it was

    // The child releases it on a clean exit.
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  });

  it('is taken over, with a log line, when its pid is dead (kill -9)', async () => {
    const first = child();
    await waitUntil('the child holds the lock', async () => first.output().includes('LOCKED'), {
      timeoutMs: 30_000,
    });
    const dead = first.process.pid!;
    first.process.kill('SIGKILL');
    await first.exited;
    expect(holder().pid).toBe(dead); // a kill -9 leaves it behind

    const logs: string[] = [];
    const lock = acquireDataDirLock(lockFile, (m) => logs.push(m));
    expect(holder().pid).toBe(process.pid);
    expect(logs).toEqual([
      expect.stringMatching(new RegExp(`stale lock .*pid ${dead} .*not running`)),
    ]);
    lock.release();
  });

  it('is taken over by exactly one of several starts racing for a stale lock', async () => {
    writeFileSync(
      lockFile,
      JSON.stringify({ pid: 2 ** 22 + 12_345, startedAt: new Date(0).toISOString() }),
    );
    const racers = [child(), child(), child(), child()];
    await waitUntil(
      'every racer has locked or been refused',
      async () => racers.every((r) => /LOCKED|REFUSED/.test(r.output())),
      { timeoutMs: 60_000 },
    );
    const winners = racers.filter((r) => r.output().includes('LOCKED'));
    expect(winners, racers.map((r) => r.output()).join('\n---\n')).toHaveLength(1);
    expect(holder().pid).toBe(winners[0]!.process.pid);
    for (const r of racers.filter((x) => x !== winners[0]))
      expect(r.output()).toContain(
        `REFUSED another Keel is running on this data directory: pid ${winners[0]!.process.pid}`,
      );
  });
});
