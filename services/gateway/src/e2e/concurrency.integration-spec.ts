// N concurrent `token.transfer`s from one signer through every signing-flow service as
// processes (issue 6: "500 concurrent transfers from one signer"). N = KEEL_E2E_CONCURRENCY
// (default 100 so CI stays fast). The signer is a key-guardian wallet registered as a
// verified holder (`registerHolder`) with a balance; recipients are the verified investors.
// Then the same with the Kafka broker SIGKILLed in the middle and restarted on its log dir
// (issue 16): nothing lost, nothing doubled.
import { waitUntil } from '@keel/testing';
import type { OperationView } from '@keel/operations';
import { parseEventLogs } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isTerminal,
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

/** What the chain says before a run: the checks after it are relative to this. */
async function chainBefore() {
  const { client, token } = stack;
  const recipients = [stack.alice.address, stack.bob.address, stack.carol.address];
  const balances = () =>
    Promise.all(
      [stack.signer, ...recipients].map((r) =>
        client.readContract({
          address: token,
          abi: stackTokenAbi,
          functionName: 'balanceOf',
          args: [r],
        }),
      ),
    );
  return {
    recipients,
    balances,
    balancesBefore: await balances(),
    supplyBefore: await client.readContract({
      address: token,
      abi: stackTokenAbi,
      functionName: 'totalSupply',
    }),
    nonceBefore: await client.getTransactionCount({ address: stack.signer }),
  };
}

/** Submits `n` transfers (idempotency keys `<tag>-<i>`) to the recipients in turn. */
async function submitTransfers(n: number, tag: string, recipients: readonly string[]) {
  const ids = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      stack.submit(
        'token.transfer',
        { asset: stack.token, to: recipients[i % recipients.length], amount: AMOUNT.toString() },
        `${tag}-${i}`,
      ),
    ),
  );
  expect(new Set(ids).size).toBe(n);
  return ids;
}

/** Waits until every operation is terminal. */
async function terminal(ids: readonly string[], timeoutMs: number): Promise<OperationView[]> {
  const done = new Map<string, OperationView>();
  await waitUntil(
    `${ids.length} operations terminal`,
    async () => {
      const pending = ids.filter((id) => !done.has(id));
      for (let i = 0; i < pending.length; i += 25) {
        const views = await Promise.all(
          pending.slice(i, i + 25).map((id) => stack.get(id).catch(() => null)),
        );
        for (const v of views) if (v && isTerminal(v)) done.set(v.id, v);
      }
      return done.size === ids.length;
    },
    { timeoutMs, intervalMs: 1_000 },
  ).catch((err: unknown) => {
    const counts: Record<string, number> = {};
    for (const v of done.values()) counts[v.status] = (counts[v.status] ?? 0) + 1;
    throw new Error(
      `${(err as Error).message}; terminal ${done.size}/${ids.length} ${JSON.stringify(counts)}\n${stack.logs()}`,
    );
  });
  return ids.map((id) => done.get(id)!);
}

/**
 * Waits (polling every 50 ms) until an operation is terminal, runs `kill`, and says how many
 * of the operations were terminal at that moment: the kill lands while most are on
 * their way through the pipeline.
 */
async function killOnceUnderway(
  ids: readonly string[],
  kill: () => Promise<void>,
): Promise<number> {
  let count = 0;
  await waitUntil(
    'a first operation terminal',
    async () => {
      const views = await Promise.all(ids.map((id) => stack.get(id)));
      count = views.filter((v) => isTerminal(v)).length;
      return count > 0;
    },
    { timeoutMs: 120_000, intervalMs: 50 },
  );
  await kill();
  return count;
}

/**
 * Every operation COMPLETED with exactly one mined transaction from the signer, the nonces
 * contiguous from `nonceBefore`, one Transfer log each, and the balances moved by exactly
 * the operations' amounts.
 */
async function expectExactlyOnce(
  ops: readonly OperationView[],
  before: Awaited<ReturnType<typeof chainBefore>>,
): Promise<void> {
  const { client, token } = stack;
  const { recipients, nonceBefore } = before;
  const n = ops.length;
  const failed = ops.filter((o) => o.status !== 'COMPLETED');
  expect(failed.map((o) => ({ id: o.id, status: o.status, error: o.error }))).toEqual([]);

  const txs = ops.map((o) => {
    const mined = o.transactions.filter((t) => t.status === 'mined');
    expect(mined, JSON.stringify(o.transactions)).toHaveLength(1);
    expect(mined[0]!.from.toLowerCase()).toBe(stack.signer.toLowerCase());
    return mined[0]!;
  });
  const nonces = txs.map((t) => Number(t.nonce)).sort((a, b) => a - b);
  expect(nonces).toEqual(Array.from({ length: n }, (_, i) => nonceBefore + i));
  expect(await client.getTransactionCount({ address: stack.signer })).toBe(nonceBefore + n);
  expect(new Set(txs.map((t) => t.hash)).size).toBe(n);

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
  expect(
    await client.readContract({ address: token, abi: stackTokenAbi, functionName: 'totalSupply' }),
  ).toBe(before.supplyBefore);
  const [signerAfter, ...recipientsAfter] = await before.balances();
  const [signerBefore, ...recipientsBefore] = before.balancesBefore;
  expect(signerAfter).toBe(signerBefore! - BigInt(n) * AMOUNT);
  const gained = recipientsAfter.reduce((s, b, i) => s + b - recipientsBefore[i]!, 0n);
  expect(gained).toBe(BigInt(n) * AMOUNT);
}

describe(`${N} concurrent operations from one signer`, () => {
  it('all complete, with contiguous nonces and exactly one on-chain effect each', async () => {
    const before = await chainBefore();
    const started = Date.now();
    const ids = await submitTransfers(N, 'conc', before.recipients);
    const ops = await terminal(ids, 60_000 + N * 2_000);
    console.info(`[concurrency] ${N} operations terminal in ${Date.now() - started} ms`);
    await expectExactlyOnce(ops, before);
  }, 1_800_000);

  // The local Apache broker only: an external one or the mock cannot be killed from here.
  const killable =
    !process.env['KEEL_TEST_KAFKA_BROKERS'] && process.env['KEEL_TEST_KAFKA'] !== 'mock';
  it.runIf(killable)(
    'the broker SIGKILLed mid-run and restarted on its log dir: every operation completes exactly once',
    async () => {
      const nodes = stack.kafkaNodes();
      expect(nodes).toHaveLength(1);
      const node = nodes[0]!;
      const M = 120;
      const before = await chainBefore();
      const ids = await submitTransfers(M, 'broker-kill', before.recipients);
      const killedAt = await killOnceUnderway(ids, async () => {
        node.kill('SIGKILL');
        await node.process.exited;
        await new Promise((r) => setTimeout(r, 3_000));
        await node.start();
      });
      const ops = await terminal(ids, 300_000);
      console.info(`[broker kill] SIGKILL with ${killedAt}/${M} operations terminal; restarted`);
      expect(killedAt).toBeLessThan(M);
      await expectExactlyOnce(ops, before);
    },
    1_800_000,
  );
  it('two transaction-signer instances; one is SIGKILLed mid-run: the other takes its partitions and the nonces stay contiguous', async () => {
    const replica = await stack.startReplica('transaction-signer');
    // Both members in the group before the run, so each holds partitions when the kill lands.
    await new Promise((r) => setTimeout(r, 5_000));
    const M = 120;
    const before = await chainBefore();
    const ids = await submitTransfers(M, 'signer-kill', before.recipients);
    const killedAt = await killOnceUnderway(ids, () => stack.kill('transaction-signer'));
    const ops = await terminal(ids, 300_000);
    console.info(
      `[signer kill] SIGKILL of one of two signers with ${killedAt}/${M} operations terminal; ${replica} went on`,
    );
    expect(killedAt).toBeLessThan(M);
    await expectExactlyOnce(ops, before);
  }, 1_800_000);
});
