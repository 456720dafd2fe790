import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunningAnvil {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly pid: number;
  stop(): Promise<void>;
  /** Last resort on process exit: no orphan chain. */
  killNow(): void;
}

/** The anvil binary of the npm package @foundry-rs/anvil (its per-platform package). */
export function anvilBinary(): string {
  const os = process.platform === 'win32' ? 'win32' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const pkg = `@foundry-rs/anvil-${os}-${arch}`;
  try {
    const bin = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'anvil');
    if (existsSync(bin)) return bin;
  } catch {
    // reported below
  }
  throw new Error(`anvil not found (${pkg}); run \`npm ci\` in the repository root`);
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(2_000),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

/**
 * Starts anvil with its chain kept in `stateFile` (loaded at start, written
 * every few seconds and on exit), so a restart continues the same chain.
 * Own process group: a terminal's Ctrl-C reaches the runner, which stops anvil
 * last, after the services.
 */
export async function startAnvil(options: {
  port: number;
  stateFile: string;
  chainId: number;
}): Promise<RunningAnvil> {
  const child: ChildProcess = spawn(
    anvilBinary(),
    [
      '--host',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--chain-id',
      String(options.chainId),
      '--state',
      options.stateFile,
      '--state-interval',
      '5',
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const rpcUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 30_000;
  let dead = false;
  void exited.then(() => (dead = true));
  for (;;) {
    if (dead) throw new Error(`anvil exited at start: ${stderr.trim()}`);
    const id = await rpc(rpcUrl, 'eth_chainId').catch(() => null);
    if (id) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`anvil did not answer within 30 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid ?? 0;
  return {
    rpcUrl,
    chainId: options.chainId,
    pid,
    async stop() {
      if (dead) return;
      child.kill('SIGINT'); // anvil writes its state file on a clean exit
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    killNow() {
      if (!dead) child.kill('SIGKILL');
    },
  };
}

/** Gives `address` gas money (anvil's dev cheat code): the operator's signer pays fees. */
export async function fund(rpcUrl: string, address: string, wei: bigint): Promise<void> {
  const balance = BigInt((await rpc(rpcUrl, 'eth_getBalance', [address, 'latest'])) as string);
  if (balance >= wei / 2n) return;
  await rpc(rpcUrl, 'anvil_setBalance', [address, `0x${wei.toString(16)}`]);
}
