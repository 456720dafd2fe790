import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Hex, toHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';
import { MissingDependencyError, NotReadyError } from './errors';
import { freePort, type ManagedProcess, spawnManaged, waitUntil } from './processes';

/** anvil's well-known development mnemonic: its keys are public, never use them for value. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';

export type MiningMode =
  /** A block per transaction, immediately (anvil's default). */
  | { kind: 'auto' }
  /** A block every `blockTime` seconds. */
  | { kind: 'interval'; blockTime: number }
  /** Blocks every `blockTime` seconds and also on demand when the pool has transactions. */
  | { kind: 'mixed'; blockTime: number }
  /** No mining until `evm_mine` / `anvil_mine` is called. */
  | { kind: 'manual' };

export interface AnvilOptions {
  mining?: MiningMode;
  chainId?: number;
  accounts?: number;
  /** Ether per account. */
  balance?: number;
  gasLimit?: bigint;
  /** Extra raw CLI arguments. */
  args?: readonly string[];
}

export interface DevAccount {
  readonly address: Hex;
  readonly privateKey: Hex;
}

export interface AnvilHandle {
  readonly rpcUrl: string;
  readonly wsUrl: string;
  readonly port: number;
  readonly chainId: number;
  readonly accounts: readonly DevAccount[];
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

export function anvilBinary(): string {
  const pkg = '@foundry-rs/anvil-linux-amd64';
  try {
    const bin = join(dirname(require.resolve(`${pkg}/package.json`)), 'bin', 'anvil');
    if (existsSync(bin)) return bin;
  } catch {
    // fall through
  }
  throw new MissingDependencyError(
    'anvil',
    'the npm package @foundry-rs/anvil (platform binary @foundry-rs/anvil-linux-amd64)',
    'npm ci   (or: npm install --save-dev @foundry-rs/anvil)',
  );
}

function miningArgs(mode: MiningMode): string[] {
  switch (mode.kind) {
    case 'auto':
      return [];
    case 'interval':
      return ['--block-time', String(mode.blockTime)];
    case 'mixed':
      return ['--block-time', String(mode.blockTime), '--mixed-mining'];
    case 'manual':
      return ['--no-mining'];
  }
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result;
}

/** Starts anvil on a free port and waits until it answers JSON-RPC. */
export async function startAnvil(options: AnvilOptions = {}): Promise<AnvilHandle> {
  const bin = anvilBinary();
  const chainId = options.chainId ?? 31337;
  const count = options.accounts ?? 10;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const args = [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--chain-id',
      String(chainId),
      '--accounts',
      String(count),
      '--balance',
      String(options.balance ?? 10_000),
      '--mnemonic',
      ANVIL_MNEMONIC,
      '--silent',
      ...(options.gasLimit !== undefined ? ['--gas-limit', options.gasLimit.toString()] : []),
      ...miningArgs(options.mining ?? { kind: 'auto' }),
      ...(options.args ?? []),
    ];
    const proc = spawnManaged(bin, args, { name: 'anvil' });
    const rpcUrl = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(
        'anvil',
        async () => {
          if (proc.child.exitCode !== null) throw new Error(`anvil exited: ${proc.output()}`);
          return (await rpc(rpcUrl, 'eth_chainId')) === toHex(chainId);
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
    } catch (err) {
      await proc.stop();
      // Another process may have taken the port between probe and bind; retry once.
      if (attempt < 2 && /Address already in use/i.test(proc.output())) continue;
      throw new NotReadyError('anvil', 20_000, `${(err as Error).message}\n${proc.output()}`);
    }
    const accounts = Array.from({ length: count }, (_, i) => {
      const acct = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i });
      const key = acct.getHdKey().privateKey;
      if (!key) throw new Error('could not derive dev account key');
      return { address: acct.address, privateKey: toHex(key) };
    });
    return {
      rpcUrl,
      wsUrl: `ws://127.0.0.1:${port}`,
      port,
      chainId,
      accounts,
      process: proc,
      stop: () => proc.stop(),
    };
  }
}
