import { type OperationView, operationViewSchema } from '@keel/operations';
import { type Address, keccak256, toHex, zeroHash } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eStack,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Each operation type not proven by signing-flow.integration-spec.ts, over HTTP through
// every service (as processes, over the Kafka mock cluster) to a mined receipt, with its
// on-chain effect read back from anvil and the operation read back from the gateway.

let stack: E2eStack;
let token: Address;
let signer: Address;
let alice: Address;
let bob: Address;
let carol: Address;

const balance = (who: Address): Promise<bigint> =>
  stack.client.readContract({
    address: token,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });

/** Submits, waits for a terminal status and proves COMPLETED with one mined transaction from the signer to the token. */
async function run(
  type: string,
  params: Record<string, unknown>,
  key: string,
): Promise<OperationView> {
  const op = operationViewSchema.parse(
    await stack.terminal(await stack.submit(type, { asset: token, ...params }, key)),
  );
  expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
  expect(op.type).toBe(type);
  expect(op.subStatus).toBeNull();
  expect(op.error).toBeNull();
  expect(op.transactions).toHaveLength(1);
  const tx = op.transactions[0]!;
  expect(tx).toMatchObject({ status: 'mined', chainId: stack.anvil.chainId });
  expect(tx.from.toLowerCase()).toBe(signer.toLowerCase());
  expect(tx.to.toLowerCase()).toBe(token.toLowerCase());
  expect(tx.hash).toMatch(/^0x[0-9a-f]{64}$/);
  expect(tx.nonce).toMatch(/^\d+$/);
  const receipt = await stack.client.getTransactionReceipt({ hash: tx.hash as `0x${string}` });
  expect(receipt.status).toBe('success');
  expect(receipt.from.toLowerCase()).toBe(signer.toLowerCase());
  expect(tx.blockNumber).toBe(receipt.blockNumber.toString());
  expect(tx.gasUsed).toBe(receipt.gasUsed.toString());
  expect(tx.confirmations).toBeGreaterThanOrEqual(1);
  expect(op.history.map((h) => h.status)).toEqual(
    expect.arrayContaining([
      'RECEIVED',
      'QUEUED',
      'PREPARING',
      'SIGNING',
      'BROADCASTING',
      'CONFIRMING',
      'COMPLETED',
    ]),
  );
  expect(op.history.at(-1)?.status).toBe('COMPLETED');
  return op;
}

beforeAll(async () => {
  // Telemetry on (spans to the console exporter) and info logs: each log line written
  // inside a span carries its trace_id, which the last test follows across services.
  stack = await startE2eStack({
    prefix: 'e2e_ops',
    env: { ...SPEC_POLLING, KEEL_TELEMETRY: 'console', KEEL_LOG_LEVEL: 'info' },
  });
  signer = stack.signerWallet;
  [alice, bob, carol] = [stack.alice.address, stack.bob.address, stack.carol.address];
  token = (await stack.keel.createToken('e2e-ops', [])).address;
  // The signing wallet holds every operator role it exercises here, and an on-chain
  // identity (KYC claim, registered) so it can hold and send tokens itself. On chain the
  // token's roles are administered by DEFAULT_ADMIN_ROLE (not keel.role.governance), so
  // role.grant / role.revoke need that one.
  for (const role of ['supply-management', 'custodian', 'emergency'])
    await stack.adminWrite(token, 'grantRole', [roleHash(role), signer]);
  await stack.adminWrite(token, 'grantRole', [zeroHash, signer]);
  await stack.keel.registerHolder(signer);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('operation types end to end', () => {
  it('token.transfer: the signing wallet, a verified holder, sends its own tokens', async () => {
    await run('token.mint', { to: signer, amount: '1000' }, 'ops-mint-signer');
    expect(await balance(signer)).toBe(1000n);
    const bobBefore = await balance(bob);
    await run('token.transfer', { to: bob, amount: '100' }, 'ops-transfer-1');
    expect(await balance(signer)).toBe(900n);
    expect((await balance(bob)) - bobBefore).toBe(100n);
  });

  it('token.batchTransfer: one transaction, several recipients', async () => {
    const [signerBefore, bobBefore, carolBefore] = [
      await balance(signer),
      await balance(bob),
      await balance(carol),
    ];
    await run(
      'token.batchTransfer',
      {
        transfers: [
          { to: bob, amount: '10' },
          { to: carol, amount: '20' },
        ],
      },
      'ops-batch-1',
    );
    expect(signerBefore - (await balance(signer))).toBe(30n);
    expect((await balance(bob)) - bobBefore).toBe(10n);
    expect((await balance(carol)) - carolBefore).toBe(20n);
  });

  it('token.burn: burns from a holder, lowering the supply', async () => {
    const supply = () =>
      stack.client.readContract({ address: token, abi: tokenAbi, functionName: 'totalSupply' });
    const [aliceBefore, supplyBefore] = [await balance(alice), await supply()];
    await run('token.burn', { from: alice, amount: '5' }, 'ops-burn-1');
    expect(aliceBefore - (await balance(alice))).toBe(5n);
    expect(supplyBefore - (await supply())).toBe(5n);
  });

  it('token.freeze: freezes then unfreezes an address', async () => {
    const isFrozen = () =>
      stack.client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'isFrozen',
        args: [carol],
      });
    expect(await isFrozen()).toBe(false);
    await run('token.freeze', { account: carol, frozen: true }, 'ops-freeze-1');
    expect(await isFrozen()).toBe(true);
    await run('token.freeze', { account: carol, frozen: false }, 'ops-unfreeze-1');
    expect(await isFrozen()).toBe(false);
  });

  it('token.freezePartial: freezes part of a balance', async () => {
    const frozen = () =>
      stack.client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'getFrozenTokens',
        args: [alice],
      });
    const before = await frozen();
    await run('token.freezePartial', { account: alice, amount: '3' }, 'ops-freeze-partial-1');
    expect((await frozen()) - before).toBe(3n);
  });

  it('token.pause and token.unpause: the token is paused, then live again', async () => {
    const paused = () =>
      stack.client.readContract({ address: token, abi: tokenAbi, functionName: 'paused' });
    expect(await paused()).toBe(false);
    await run('token.pause', {}, 'ops-pause-1');
    expect(await paused()).toBe(true);
    await run('token.unpause', {}, 'ops-unpause-1');
    expect(await paused()).toBe(false);
  });

  it('role.grant and role.revoke: a token role is granted, then revoked', async () => {
    const hasRole = () =>
      stack.client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'hasRole',
        args: [roleHash('compliance-agent'), carol],
      });
    expect(await hasRole()).toBe(false);
    await run('role.grant', { role: 'compliance-agent', account: carol }, 'ops-role-grant-1');
    expect(await hasRole()).toBe(true);
    await run('role.revoke', { role: 'compliance-agent', account: carol }, 'ops-role-revoke-1');
    expect(await hasRole()).toBe(false);
  });

  it('token.recover: a lost wallet balance moves to the same investor identity’s new wallet', async () => {
    const bobIdentity = stack.keel.identityOf(bob);
    if (!bobIdentity) throw new Error('bob has no identity');
    const newWallet = privateKeyToAccount(keccak256(toHex('bob new wallet'))).address;
    await stack.keel.registerHolder(newWallet, bobIdentity);
    const lost = await balance(bob);
    expect(lost).toBeGreaterThan(0n);
    await run(
      'token.recover',
      { lostWallet: bob, newWallet, investorOnchainId: bobIdentity },
      'ops-recover-1',
    );
    expect(await balance(bob)).toBe(0n);
    expect(await balance(newWallet)).toBe(lost);
  });

  it('one trace spans the services: the same trace_id on each service’s log lines for the operation', async () => {
    const op = await run('token.mint', { to: alice, amount: '1' }, 'ops-trace-1');
    const traceIds = new Map<string, Set<string>>();
    for (const name of ['transaction-signer', 'key-guardian', 'chain-gateway']) {
      const ids = new Set<string>();
      for (const line of stack.services.get(name)!.proc.output().split('\n')) {
        if (!line.startsWith('{') || !line.includes(op.id)) continue;
        const entry = JSON.parse(line) as { operationId?: string; trace_id?: string };
        if (entry.operationId === op.id && entry.trace_id) ids.add(entry.trace_id);
      }
      traceIds.set(name, ids);
    }
    const all = new Set([...traceIds.values()].flatMap((s) => [...s]));
    expect(
      [...traceIds.values()].every((s) => s.size > 0),
      JSON.stringify([...traceIds].map(([n, s]) => [n, [...s]])),
    ).toBe(true);
    expect(all.size, JSON.stringify([...all])).toBe(1);
    const traceId = [...all][0]!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // The console exporter prints every ended span with its traceId: the same trace reaches
    // all seven services, also those that log no line per operation.
    const carrying = [...stack.services.keys()].filter((name) =>
      stack.services.get(name)!.proc.output().includes(traceId),
    );
    expect(carrying.sort(), `services carrying ${traceId}`).toEqual(
      [...stack.services.keys()].sort(),
    );
  });
});
