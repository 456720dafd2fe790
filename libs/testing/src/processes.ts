import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Every child the harness starts is tracked here and killed when the test
 * process exits for any reason it can observe (normal exit, an uncaught
 * error, SIGINT/SIGTERM), so a failing suite leaves no orphans behind.
 * Children run in their own process group, so grandchildren die with them.
 */
const live = new Set<ChildProcess>();
let hooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const killAll = (): void => {
    for (const child of live) killGroup(child, 'SIGKILL');
    live.clear();
  };
  process.once('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
  }
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything written to stdout and stderr so far (bounded to the last 256 KiB). */
  output(): string;
  /** Resolves with the first match of `pattern` in the combined output. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal to the whole process group. */
  kill(signal?: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 256 * 1024;

export function spawnManaged(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { name?: string } = {},
): ManagedProcess {
  installExitHooks();
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    detached: true,
  });
  live.add(child);
  let buffer = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    buffer += chunk.toString('utf8');
    if (buffer.length > OUTPUT_LIMIT) buffer = buffer.slice(buffer.length - OUTPUT_LIMIT);
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', (err) => {
      live.delete(child);
      reject(err);
    });
    child.once('exit', (code) => {
      live.delete(child);
      for (const w of waiters) w();
      resolve(code);
    });
  });
  // Callers that never await `exited` must not see an unhandled rejection.
  exited.catch(() => undefined);

  const handle: ManagedProcess = {
    child,
    get pid() {
      return child.pid ?? -1;
    },
    exited,
    output: () => buffer,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = buffer.match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(
              new Error(
                `${options.name ?? command} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}; output:\n${buffer.slice(-4000)}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${options.name ?? command} did not print ${pattern} within ${timeoutMs} ms; output:\n${buffer.slice(-4000)}`,
            ),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    kill(signal = 'SIGKILL') {
      killGroup(child, signal);
    },
    async stop(graceMs = 3_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exited.catch(() => undefined);
      clearTimeout(timer);
    },
  };
  child.once('error', () => undefined);
  return handle;
}

/** Ports this process has handed out: a child may not have bound its port yet when the next is asked for. */
const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1, never one this process handed out before: the OS may give a
 * port that was just closed again to the next `listen(0)`, and a service started a moment ago
 * may not listen on its port yet. Two services of one e2e stack on one port would answer each
 * other's requests (the likely cause of a 404 from an e2e stack's key-guardian, seen once).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = await osFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('could not allocate a port not handed out before (100 attempts)');
}

function osFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not allocate a port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `${what} was not ready after ${timeoutMs} ms` +
      (lastError instanceof Error ? `: ${lastError.message}` : ''),
  );
}
