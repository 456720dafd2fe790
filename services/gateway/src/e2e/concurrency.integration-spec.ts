// N concurrent `token.transfer`s from one signer through every signing-flow service as
// processes (issue 6: "500 concurrent transfers from one signer"). N = KEEL_E2E_CONCURRENCY
// (default 100 so CI stays fast). The signer is a key-guardian wallet registered as a
// verified holder (`registerHolder`) with a balance; recipients are the verified investors.
import { waitUntil } from '@keel/testing';
import type { OperationView } from '@keel/operations';
import { parseEventLogs } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isTerminal,
  SIGNER_BALANCE,
  type SigningStack,
  stackTokenAbi,
  startSigningStack,
} from './test-support/concurrency-stack';

const N = Number(process.env['KEEL_E2E_CONCURRENCY'] ?? 100);
const AMOUNT = 3n;
let stack: SigningStack;

beforeAll(async () => {
  stack = await startSigningStack();
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe(`${N} concurrent operations from one signer`, () => {
  it('all complete, with contiguous nonces and exactly one on-chain effect each', async () => {
    const { client, token } = stack;
    const recipients = [stack.alice.address, stack.bob.address, stack.carol.address];
    const balances = () =>
      Promise.all(
        recipients.map((r) =>
          client.readContract({
            address: token,
            abi: stackTokenAbi,
            functionName: 'balanceOf',
            args: [r],
          }),
        ),
      );
    const supplyBefore = await client.readContract({
      address: token,
      abi: stackTokenAbi,
      functionName: 'totalSupply',
    });
    const balancesBefore = await balances();
    const nonceBefore = await client.getTransactionCount({ address: stack.signer });
    const started = Date.now();

    const ids = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        stack.submit(
          'token.transfer',
          { asset: token, to: recipients[i % recipients.length], amount: AMOUNT.toString() },
          `conc-${i}`,
        ),
      ),
    );
    expect(new Set(ids).size).toBe(N);

    const done = new Map<string, OperationView>();
    await waitUntil(
      `${N} operations terminal`,
      async () => {
        const pending = ids.filter((id) => !done.has(id));
        for (let i = 0; i < pending.length; i += 25) {
          const views = await Promise.all(pending.slice(i, i + 25).map((id) => stack.get(id)));
          for (const v of views) if (v && isTerminal(v)) done.set(v.id, v);
        }
        return done.size === N;
      },
      { timeoutMs: 60_000 + N * 2_000, intervalMs: 1_000 },
    ).catch((err: unknown) => {
      const counts: Record<string, number> = {};
      for (const v of done.values()) counts[v.status] = (counts[v.status] ?? 0) + 1;
      throw new Error(
        `${(err as Error).message}; terminal ${done.size}/${N} ${JSON.stringify(counts)}\n${stack.logs()}`,
      );
    });
    console.info(`[concurrency] ${N} operations terminal in ${Date.now() - started} ms`);

    const ops = ids.map((id) => done.get(id)!);
    const failed = ops.filter((o) => o.status !== 'COMPLETED');
    expect(failed.map((o) => ({ id: o.id, status: o.status, error: o.error }))).toEqual([]);

    // Each operation: exactly one mined transaction from the signer; nonces contiguous.
    const txs = ops.map((o) => {
      const mined = o.transactions.filter((t) => t.status === 'mined');
      expect(mined, JSON.stringify(o.transactions)).toHaveLength(1);
      expect(mined[0]!.from.toLowerCase()).toBe(stack.signer.toLowerCase());
      return mined[0]!;
    });
    const nonces = txs.map((t) => Number(t.nonce)).sort((a, b) => a - b);
    expect(new Set(nonces).size).toBe(N);
    expect(nonces).toEqual(Array.from({ length: N }, (_, i) => nonceBefore + i));
    expect(await client.getTransactionCount({ address: stack.signer })).toBe(nonceBefore + N);
    expect(new Set(txs.map((t) => t.hash)).size).toBe(N);

    // Exactly one Transfer log (signer -> recipient) per operation; supply unchanged.
    for (const [i, t] of txs.entries()) {
      const receipt = await client.getTransactionReceipt({ hash: t.hash as `0x${string}` });
      expect(receipt.status).toBe('success');
      const transfers = parseEventLogs({
        abi: stackTokenAbi,
        eventName: 'Transfer',
        logs: receipt.logs.filter((l) => l.address.toLowerCase() === token.toLowerCase()),
      });
      expect(transfers).toHaveLength(1);
      expect(transfers[0]!.args.value).toBe(AMOUNT);
      expect(transfers[0]!.args.from.toLowerCase()).toBe(stack.signer.toLowerCase());
      expect(transfers[0]!.args.to.toLowerCase()).toBe(
        recipients[i % recipients.length]!.toLowerCase(),
      );
    }
    const supplyAfter = await client.readContract({
      address: token,
      abi: stackTokenAbi,
      functionName: 'totalSupply',
    });
    expect(supplyAfter).toBe(supplyBefore);
    const signerBalance = await client.readContract({
      address: token,
      abi: stackTokenAbi,
      functionName: 'balanceOf',
      args: [stack.signer],
    });
    expect(signerBalance).toBe(SIGNER_BALANCE - BigInt(N) * AMOUNT);
    const balancesAfter = await balances();
    const gained = balancesAfter.reduce((s, b, i) => s + b - balancesBefore[i]!, 0n);
    expect(gained).toBe(BigInt(N) * AMOUNT);
  }, 1_800_000);
});
