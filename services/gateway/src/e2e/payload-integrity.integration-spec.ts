import { startProcess, waitUntil } from '@keel/testing';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eStack,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Payload integrity through the running services: the transaction-signer is restarted with a
// test-only fault (KEEL_FAULT=tamper-signed-<field>, honoured under NODE_ENV=test) that makes
// the signed payload differ from the prepared call in one field between signing and broadcast.
// Each is refused with PAYLOAD_MISMATCH naming the field; nothing of it reaches the chain (the
// reserved nonce is filled with a no-op instead), and without the fault the next mint goes through.

let stack: E2eStack;
let token: Address;
let signer: Address;

const balanceOf = (who: Address) =>
  stack.client.readContract({
    address: token,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });

/** The signer's transaction with this nonce, from the latest blocks. */
async function sentAt(nonce: number) {
  const latest = await stack.client.getBlockNumber();
  for (let n = latest; n >= 0n && n > latest - 50n; n--) {
    const block = await stack.client.getBlock({ blockNumber: n, includeTransactions: true });
    const tx = block.transactions.find(
      (t) => t.from.toLowerCase() === signer.toLowerCase() && t.nonce === nonce,
    );
    if (tx) return tx;
  }
  return undefined;
}

/** Restarts transaction-signer with its configuration plus `extra` (a fault, or none). */
async function restartSigner(extra: Record<string, string>): Promise<void> {
  const s = stack.services.get('transaction-signer')!;
  s.proc.kill('SIGKILL');
  await s.proc.exited;
  const { KEEL_FAULT: _previous, ...base } = s.env;
  const env = { ...base, ...extra };
  const proc = startProcess({
    entry: 'services/transaction-signer/src/main.ts',
    name: 'transaction-signer',
    env,
  });
  stack.services.set('transaction-signer', { proc, port: s.port, env });
  await waitUntil(
    'transaction-signer health',
    async () => (await fetch(`http://127.0.0.1:${s.port}/health`).catch(() => null))?.ok ?? false,
    { timeoutMs: 120_000, intervalMs: 250 },
  );
}

beforeAll(async () => {
  stack = await startE2eStack({ prefix: 'e2e_integrity', env: SPEC_POLLING });
  signer = stack.signerWallet;
  token = (await stack.keel.createToken('e2e-integrity', [])).address;
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), signer]);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('payload integrity through the running services', () => {
  it.each(['nonce', 'to', 'calldata', 'chainId', 'value', 'signer'])(
    'a signed payload with a tampered %s is refused with PAYLOAD_MISMATCH and never broadcast',
    async (field) => {
      await restartSigner({ KEEL_FAULT: `tamper-signed-${field}` });
      const alice = stack.alice.address;
      const [balanceBefore, nonceBefore] = [
        await balanceOf(alice),
        await stack.client.getTransactionCount({ address: signer }),
      ];
      const id = await stack.submit(
        'token.mint',
        { asset: token, to: alice, amount: '5' },
        `integrity-${field}`,
      );
      const op = await stack.terminal(id);
      expect(op.status, JSON.stringify(op)).toBe('FAILED');
      expect(op.subStatus).toBe('PAYLOAD_MISMATCH');
      expect(op.error).toMatchObject({ code: 'PAYLOAD_MISMATCH', details: { field } });
      expect(op.history.map((h) => h.status)).not.toContain('BROADCASTING');
      expect(op.transactions.every((t) => t.hash === null)).toBe(true);
      // The reserved nonce is consumed by a no-op fill, not by the tampered bytes.
      await waitUntil(
        'no-op fill of the reserved nonce',
        async () =>
          (await stack.client.getTransactionCount({ address: signer })) === nonceBefore + 1,
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      const fill = await sentAt(nonceBefore);
      expect(fill).toMatchObject({ nonce: nonceBefore, value: 0n, input: '0x' });
      expect(fill?.to?.toLowerCase()).toBe(signer.toLowerCase());
      expect(await balanceOf(alice)).toBe(balanceBefore);
    },
  );

  it('without the fault the same signer mints again', async () => {
    await restartSigner({});
    const alice = stack.alice.address;
    const before = await balanceOf(alice);
    const op = await stack.terminal(
      await stack.submit('token.mint', { asset: token, to: alice, amount: '5' }, 'integrity-ok'),
    );
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect((await balanceOf(alice)) - before).toBe(5n);
  });
});
