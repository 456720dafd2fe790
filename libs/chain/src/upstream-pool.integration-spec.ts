import { type AnvilHandle, startAnvil } from '@keel/testing';
import { sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainRpcError, NoHealthyUpstreamError } from './errors';
import { estimateEip1559Fees } from './fees';
import { attachSignature, serializeUnsignedTransaction, signingHashOf } from './transaction';
import { UpstreamPool } from './upstream-pool';

let a: AnvilHandle;
let b: AnvilHandle;

beforeAll(async () => {
  [a, b] = await Promise.all([startAnvil(), startAnvil()]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('UpstreamPool', () => {
  it('fails over to the next upstream when the preferred one is killed, and reports health', async () => {
    const pool = new UpstreamPool({
      chainId: 31337,
      urls: [a.rpcUrl, b.rpcUrl],
      timeoutMs: 2_000,
      initialBackoffMs: 10,
    });
    expect((await pool.checkHealth()).every((s) => s.healthy)).toBe(true);
    expect(await pool.call('blockNumber', (c) => c.getBlockNumber())).toBe(0n);
    await a.stop();
    const warnings: string[] = [];
    const logged = new UpstreamPool({
      chainId: 31337,
      urls: [a.rpcUrl, b.rpcUrl],
      timeoutMs: 2_000,
      initialBackoffMs: 10,
      logger: { warn: (_f, m) => warnings.push(m), info: () => undefined },
    });
    expect(await logged.call('chainId', (c) => c.getChainId())).toBe(31337);
    expect(warnings).toContain('rpc upstream failed; failing over');
    expect(logged.status()[0]?.healthy).toBe(false);
    const health = await pool.checkHealth();
    expect(health.map((h) => h.healthy)).toEqual([false, true]);
    expect(pool.healthy).toBe(true);
  });

  it('throws NoHealthyUpstreamError when every upstream is down', async () => {
    const pool = new UpstreamPool({
      chainId: 31337,
      urls: [a.rpcUrl],
      timeoutMs: 1_000,
      initialBackoffMs: 5,
      maxAttempts: 2,
    });
    await expect(pool.call('chainId', (c) => c.getChainId())).rejects.toBeInstanceOf(
      NoHealthyUpstreamError,
    );
  });

  it('classifies node answers instead of failing over', async () => {
    const pool = new UpstreamPool({ chainId: 31337, urls: [b.rpcUrl] });
    const key = b.accounts[0]!;
    const unsigned = serializeUnsignedTransaction({
      chainId: 31337,
      nonce: 0,
      to: b.accounts[1]!.address,
      data: '0x',
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1n,
    });
    const raw = attachSignature(
      unsigned,
      await sign({ hash: signingHashOf(unsigned), privateKey: key.privateKey, to: 'hex' }),
    );
    await pool.sendRawTransaction(raw);
    const err = await pool.sendRawTransaction(raw).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChainRpcError);
    expect(['already-known', 'nonce-too-low']).toContain((err as ChainRpcError).kind);
    expect(pool.status()[0]?.healthy).toBe(true);
    const fees = await pool.call('fees', (c) => estimateEip1559Fees(c));
    expect(fees.maxFeePerGas).toBeGreaterThan(fees.maxPriorityFeePerGas);
  });
});
