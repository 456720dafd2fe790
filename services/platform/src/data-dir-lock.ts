import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** What the lock file says about the instance that holds it. */
export interface LockHolder {
  readonly pid: number;
  /** The gateway's URL once it listens; absent while the instance is still starting. */
  readonly gatewayUrl?: string;
  readonly startedAt: string;
}

/** Another running instance holds the data directory. */
export class DataDirLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(
      `another Keel is running on this data directory: pid ${holder.pid}, ` +
        `${holder.gatewayUrl ? `gateway ${holder.gatewayUrl}/api/v1` : 'still starting (no gateway URL yet)'}` +
        ` (lock ${lockFile}). Use that one (npm run demo talks to it), stop it (Ctrl-C in its` +
        ` terminal, or kill ${holder.pid}), or start another with its own KEEL_DATA_DIR.`,
    );
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  /** Records the gateway URL in the lock, for a second start to name. */
  running(gatewayUrl: string): void;
  /** Removes the lock if it is still this process's. Idempotent, synchronous (usable on exit). */
  release(): void;
}

/** Whether a process with this pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): LockHolder | null {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' ? (value as LockHolder) : null;
  } catch {
    return null;
  }
}

/** Reads the lock (or says it is gone). Waits briefly for a lock that is being written. */
function readHolder(lockFile: string): LockHolder | 'gone' | 'unreadable' {
  for (let attempt = 0; ; attempt++) {
    let text: string;
    try {
      text = readFileSync(lockFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
      throw err;
    }
    const holder = parse(text);
    if (holder) return holder;
    // Created (O_EXCL) but not written yet by a starting instance: look again shortly.
    if (attempt >= 20) return 'unreadable';
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

/**
 * Takes the data directory's lock (`keel.lock`: pid, gateway URL, start time), created
 * with O_EXCL so that of two starts exactly one gets it. A lock whose pid is not running
 * (a crash, a kill -9) is stale: it is moved aside and taken over, with `log` saying so.
 * A lock held by a running process throws DataDirLockedError naming its pid and URL.
 */
export function acquireDataDirLock(
  lockFile: string,
  log: (message: string) => void,
  pid: number = process.pid,
): DataDirLock {
  const mine: { pid: number; gatewayUrl?: string; startedAt: string } = {
    pid,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = openSync(lockFile, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(lockFile);
      if (holder === 'gone') continue;
      if (holder !== 'unreadable' && holder.pid !== pid && processAlive(holder.pid))
        throw new DataDirLockedError(lockFile, holder);
      log(
        holder === 'unreadable'
          ? `taking over an unreadable lock ${lockFile}`
          : `taking over a stale lock ${lockFile}: pid ${holder.pid} (started ${holder.startedAt}) is not running`,
      );
      // Move it aside rather than delete it: if another start took it over in between,
      // what was moved is that start's fresh lock, and it is put back.
      const aside = `${lockFile}.stale-${pid}`;
      try {
        renameSync(lockFile, aside);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      const moved = parse(readFileSync(aside, 'utf8'));
      if (holder !== 'unreadable' && moved && moved.pid !== holder.pid && processAlive(moved.pid)) {
        renameSync(aside, lockFile);
        throw new DataDirLockedError(lockFile, moved);
      }
      unlinkSync(aside);
      continue;
    }
    try {
      writeSync(fd, `${JSON.stringify(mine)}\n`);
    } finally {
      closeSync(fd);
    }
    let released = false;
    const stillMine = (): boolean => {
      const current = readHolder(lockFile);
      return current !== 'gone' && current !== 'unreadable' && current.pid === pid;
    };
    return {
      running(gatewayUrl) {
        if (released) return;
        mine.gatewayUrl = gatewayUrl;
        // Replace atomically: a reader never sees a half-written lock.
        const next = `${lockFile}.${pid}.tmp`;
        const tmp = openSync(next, 'w', 0o600);
        try {
          writeSync(tmp, `${JSON.stringify(mine)}\n`);
        } finally {
          closeSync(tmp);
        }
        renameSync(next, lockFile);
      },
      release() {
        if (released) return;
        released = true;
        if (stillMine()) unlinkSync(lockFile);
      },
    };
  }
  throw new Error(`could not take the lock ${lockFile}: it keeps changing hands`);
}
