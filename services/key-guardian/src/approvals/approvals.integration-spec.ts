import { randomUUID } from 'node:crypto';
import { ITokenAbi } from '@keel/abi';
import type { EventBus } from '@keel/bus';
import { parseUnsignedTransaction, serializeUnsignedTransaction, signingHashOf } from '@keel/chain';
import { inTransaction } from '@keel/persistence';
import { testInternalHeaders, waitUntil } from '@keel/testing';
import { type Address, encodeFunctionData, type Hex, recoverAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKeyGuardian } from '../bootstrap';
import { SigningRequestRepository } from '../keystore/signing-request.repository';
import { WalletCustodyPolicy } from '../policy/custody-policy';
import { PolicyRepository } from '../policy/policy.repository';
import { type KeyGuardianStack, startKeyGuardianStack } from '../test-support/key-guardian-stack';
import { ApprovalRepository } from './approval.repository';

const ORG = 'org-policy';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3' as Address;
const ALLOWED = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' as Address;
const STRANGER = '0x90F79bf6EB2c4f870365E785982E1f101E93b906' as Address;
const [A, B, C] = ['apikey:approver-a', 'apikey:approver-b', 'user:approver-c'];

let stack: KeyGuardianStack;
let kg: RunningKeyGuardian;
let client: EventBus;
let nonce = 0;

function transfer(to: Address, amount: bigint): Hex {
  return serializeUnsignedTransaction({
    chainId: 31337,
    nonce: nonce++,
    to: TOKEN,
    data: encodeFunctionData({ abi: ITokenAbi, functionName: 'transfer', args: [to, amount] }),
    value: 0n,
    gas: 100_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  });
}

async function http(method: string, path: string, body?: unknown) {
  const res = await fetch(`${kg.url}${path}`, {
    method,
    headers: {
      ...testInternalHeaders,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { items?: Record<string, unknown>[] },
  };
}

async function newWallet(policy: unknown, org = ORG): Promise<Address> {
  const w = await http('POST', '/internal/v1/wallets', { organizationId: org });
  const address = w.body['address'] as Address;
  const put = await http('PUT', `/internal/v1/wallets/${address}/policy`, {
    organizationId: org,
    updatedBy: 'apikey:admin',
    policy,
  });
  expect(put.status).toBe(200);
  return address;
}

async function requestSignature(wallet: Address, unsigned: Hex, org = ORG) {
  const requestId = randomUUID();
  const operationId = `op-${requestId.slice(0, 8)}`;
  await client.publish(
    'keel.key.sign.requested.v1',
    { requestId, operationId, signer: wallet, chainId: 31337, unsignedTransaction: unsigned },
    { organizationId: org, correlationId: operationId },
  );
  const [first] = await stack.resultFor(requestId);
  return { requestId, operationId, result: first!.payload };
}

const decide = (id: string, subjectId: string, decision: 'approve' | 'reject', org = ORG) =>
  http('POST', `/internal/v1/approvals/${id}/decisions`, {
    organizationId: org,
    subjectId,
    decision,
    comment: `${decision} by ${subjectId}`,
  });

const quorum = { approvers: [A, B, C], required: 2, timeoutSeconds: 600 };

beforeAll(async () => {
  stack = await startKeyGuardianStack({
    databasePrefix: 'kg_approvals',
    bus: 'in-process',
    clientGroup: 'kg-approvals-test',
    env: { KEEL_APPROVAL_POLL_INTERVAL_MS: '200' },
  });
  ({ kg, client } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('wallet policy API', () => {
  it('stores a valid policy per wallet, refuses an invalid one (422) and another organization’s wallet (404)', async () => {
    const wallet = await newWallet({ amountLimits: [{ max: '5', onBreach: 'block' }] });
    const got = await http('GET', `/internal/v1/wallets/${wallet}/policy?organizationId=${ORG}`);
    expect(got.status).toBe(200);
    expect(got.body['policy']).toMatchObject({ amountLimits: [{ max: '5', onBreach: 'block' }] });
    expect(got.body['updatedBy']).toBe('apikey:admin');
    const put = (policy: unknown, org = ORG) =>
      http('PUT', `/internal/v1/wallets/${wallet}/policy`, {
        organizationId: org,
        updatedBy: 'apikey:admin',
        policy,
      });
    // A rule that requires approval without a quorum; required above N; unknown field.
    for (const bad of [
      { amountLimits: [{ max: '5', onBreach: 'require-approval' }] },
      { quorum: { approvers: [A], required: 2, timeoutSeconds: 60 } },
      { amountLimits: [], surprise: true },
      { quorum: { approvers: ['root'], required: 1, timeoutSeconds: 60 } },
    ]) {
      const r = await put(bad);
      expect(r.status).toBe(422);
      expect(r.body['error']).toMatchObject({ category: 'validation' });
    }
    expect((await put({}, 'other-org')).status).toBe(404);
    expect(
      (await http('GET', `/internal/v1/wallets/${wallet}/policy?organizationId=other-org`)).status,
    ).toBe(404);
  });
});

describe('custodian policy on sign requests', () => {
  it('an amount over the limit waits for 2 of 3 approvers; the same approver twice counts once; the quorum signs the held bytes; the audit trail shows each step', async () => {
    const wallet = await newWallet({
      amountLimits: [{ asset: TOKEN, max: '100', onBreach: 'require-approval' }],
      quorum,
    });
    // Within the limit: signed right away.
    const small = await requestSignature(wallet, transfer(ALLOWED, 100n));
    expect(small.result.outcome).toBe('signed');

    const unsigned = transfer(ALLOWED, 101n);
    const held = await requestSignature(wallet, unsigned);
    expect(held.result.outcome).toBe('pending-approval');
    if (held.result.outcome !== 'pending-approval') return;
    const approvalId = held.result.approvalId;

    const list = await http(
      'GET',
      `/internal/v1/approvals?organizationId=${ORG}&subjectId=${A}&status=pending`,
    );
    const item = (list.body['items'] as Record<string, unknown>[]).find(
      (i) => i['id'] === approvalId,
    );
    expect(item).toMatchObject({
      status: 'pending',
      operationId: held.operationId,
      function: 'transfer',
      asset: TOKEN.toLowerCase(),
      amount: '101',
      destination: ALLOWED.toLowerCase(),
      approvers: [A, B, C],
      required: 2,
      decisions: [],
      signingHash: signingHashOf(unsigned),
    });

    // Another organization and a non-approver see nothing and cannot decide.
    expect(
      (
        await http(
          'GET',
          `/internal/v1/approvals/${approvalId}?organizationId=other&subjectId=${A}`,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await http(
          'GET',
          `/internal/v1/approvals/${approvalId}?organizationId=${ORG}&subjectId=apikey:nobody`,
        )
      ).status,
    ).toBe(404);
    const nobodyList = await http(
      'GET',
      `/internal/v1/approvals?organizationId=${ORG}&subjectId=apikey:nobody`,
    );
    expect(nobodyList.body['items']).toEqual([]);
    expect((await decide(approvalId, 'apikey:nobody', 'approve')).status).toBe(404);
    expect((await decide(approvalId, A, 'approve', 'other')).status).toBe(404);

    const first = await decide(approvalId, A, 'approve');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      recorded: true,
      approval: { status: 'pending', approvals: 1 },
    });
    const again = await decide(approvalId, A, 'approve');
    expect(again.body).toMatchObject({
      recorded: false,
      approval: { status: 'pending', approvals: 1 },
    });
    expect(stack.results.get(held.requestId)).toHaveLength(1);

    const second = await decide(approvalId, B, 'approve');
    expect(second.body).toMatchObject({
      recorded: true,
      approval: { status: 'approved', approvals: 2 },
    });
    const [, settled] = await stack.resultFor(held.requestId, 2);
    expect(settled?.payload.outcome).toBe('signed');
    if (settled?.payload.outcome !== 'signed') return;
    expect(settled.correlationId).toBe(held.operationId);
    expect(
      await recoverAddress({
        hash: signingHashOf(unsigned),
        signature: settled.payload.signature as Hex,
      }),
    ).toBe(wallet);
    // Settled: a third approver is told so; the replayed request gets the signature.
    expect((await decide(approvalId, C, 'approve')).status).toBe(409);

    const detail = await http(
      'GET',
      `/internal/v1/approvals/${approvalId}?organizationId=${ORG}&subjectId=${C}`,
    );
    const trail = detail.body['auditTrail'] as {
      event: string;
      actor: string;
      detail: Record<string, unknown>;
    }[];
    expect(trail.map((e) => [e.event, e.actor])).toEqual([
      ['held', 'key-guardian'],
      ['decision', A],
      ['decision', B],
      ['quorum-reached', 'key-guardian'],
    ]);
    expect(trail[1]?.detail).toMatchObject({
      decision: 'approve',
      comment: `approve by ${A}`,
      signingHash: signingHashOf(unsigned),
    });
    expect(trail[3]?.detail).toMatchObject({
      approvers: [A, B],
      signingHash: signingHashOf(unsigned),
      summary: { amount: '101' },
    });

    // The audit trail is append-only.
    await expect(kg.dataSource.query(`UPDATE kg_approval_audit SET actor = 'x'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(kg.dataSource.query(`DELETE FROM kg_approval_audit`)).rejects.toThrow(
      /append-only/,
    );
  });

  it('a re-priced replacement (same call, higher fees) of an approved transaction is signed without a second hold', async () => {
    const wallet = await newWallet({
      amountLimits: [{ max: '100', onBreach: 'require-approval' }],
      quorum,
    });
    const call = {
      chainId: 31337,
      nonce: 0,
      to: TOKEN,
      data: encodeFunctionData({ abi: ITokenAbi, functionName: 'transfer', args: [ALLOWED, 500n] }),
      value: 0n,
      gas: 100_000n,
    };
    const original = serializeUnsignedTransaction({
      ...call,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    const held = await requestSignature(wallet, original);
    if (held.result.outcome !== 'pending-approval') throw new Error('expected a hold');
    await decide(held.result.approvalId, A, 'approve');
    await decide(held.result.approvalId, B, 'approve');
    expect((await stack.resultFor(held.requestId, 2))[1]?.payload.outcome).toBe('signed');
    const repriced = serializeUnsignedTransaction({
      ...call,
      maxFeePerGas: 3_000_000_000n,
      maxPriorityFeePerGas: 2_000_000n,
    });
    expect((await requestSignature(wallet, repriced)).result.outcome).toBe('signed');
    // Another call (a new nonce) is held again.
    const next = serializeUnsignedTransaction({
      ...call,
      nonce: 1,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    expect((await requestSignature(wallet, next)).result.outcome).toBe('pending-approval');
  });

  it('a rejection refuses the held transaction with BLOCKED_BY_POLICY and releases its spend', async () => {
    const wallet = await newWallet({
      rollingLimits: [
        { asset: TOKEN, windowSeconds: 3600, max: '10', onBreach: 'require-approval' },
      ],
      quorum,
    });
    const held = await requestSignature(wallet, transfer(ALLOWED, 11n));
    expect(held.result.outcome).toBe('pending-approval');
    if (held.result.outcome !== 'pending-approval') return;
    const r = await decide(held.result.approvalId, C, 'reject');
    expect(r.body).toMatchObject({ recorded: true, approval: { status: 'rejected' } });
    const [, refused] = await stack.resultFor(held.requestId, 2);
    expect(refused?.payload.outcome === 'refused' && refused.payload.error.code).toBe(
      'BLOCKED_BY_POLICY',
    );
    // Released: 10 now fits the rolling window again.
    expect((await requestSignature(wallet, transfer(ALLOWED, 10n))).result.outcome).toBe('signed');
    const detail = await http(
      'GET',
      `/internal/v1/approvals/${held.result.approvalId}?organizationId=${ORG}&subjectId=${C}`,
    );
    expect((detail.body['auditTrail'] as { event: string }[]).map((e) => e.event)).toEqual([
      'held',
      'decision',
      'rejected',
    ]);
  });

  it('an operation cancelled while its approval is pending closes the approval: cancelled in the audit trail, decisions answer 409, the spend is released, the held request is refused once', async () => {
    const wallet = await newWallet({
      rollingLimits: [
        { asset: TOKEN, windowSeconds: 3600, max: '10', onBreach: 'require-approval' },
      ],
      quorum,
    });
    const held = await requestSignature(wallet, transfer(ALLOWED, 11n));
    expect(held.result.outcome).toBe('pending-approval');
    if (held.result.outcome !== 'pending-approval') return;
    const approvalId = held.result.approvalId;
    expect((await decide(approvalId, A, 'approve')).body).toMatchObject({ recorded: true });
    const cancelled = {
      operationId: held.operationId,
      status: 'CANCELLED' as const,
      previousStatus: 'PENDING_APPROVAL' as const,
      subStatus: 'CANCELLED_BY_REQUEST',
      sequence: 5,
      at: new Date().toISOString(),
    };
    const meta = { organizationId: ORG, correlationId: held.operationId };
    const event = await client.publish('keel.operation.status.v1', cancelled, meta);
    // The transaction signer fills the reserved nonce on this refusal.
    const [, refused] = await stack.resultFor(held.requestId, 2);
    expect(refused?.payload).toMatchObject({
      outcome: 'refused',
      error: { code: 'CANCELLED', retryable: false, details: { approvalId } },
    });
    const refusal = await decide(approvalId, B, 'approve');
    expect(refusal.status).toBe(409);
    expect(refusal.body['error']).toMatchObject({
      category: 'conflict',
      details: { code: 'APPROVAL_NOT_PENDING', status: 'cancelled' },
    });
    const detail = await http(
      'GET',
      `/internal/v1/approvals/${approvalId}?organizationId=${ORG}&subjectId=${C}`,
    );
    expect(detail.body).toMatchObject({ status: 'cancelled', approvals: 1 });
    const trail = detail.body['auditTrail'] as { event: string; actor: string; detail: unknown }[];
    expect(trail.map((e) => [e.event, e.actor])).toEqual([
      ['held', 'key-guardian'],
      ['decision', A],
      ['cancelled', 'execution-engine'],
    ]);
    expect(trail[2]!.detail).toMatchObject({ code: 'CANCELLED' });
    // Released: 10 fits the rolling window again.
    expect((await requestSignature(wallet, transfer(ALLOWED, 10n))).result.outcome).toBe('signed');
    // The same event again (a redelivery) and a fresh CANCELLED event change nothing: once
    // handled (its inbox row commits with its effects), no second entry, hence no second refusal.
    await client.publishEvents([{ topic: 'keel.operation.status.v1', event }]);
    const again = await client.publish(
      'keel.operation.status.v1',
      { ...cancelled, sequence: 6 },
      meta,
    );
    await waitUntil('second CANCELLED handled', async () => {
      const rows = await kg.dataSource.query<unknown[]>(
        `SELECT 1 FROM keel_inbox WHERE consumer_group = 'key-guardian' AND event_id = $1`,
        [again.id],
      );
      return rows.length > 0;
    });
    const entries = await kg.dataSource.query<{ event: string }[]>(
      `SELECT event FROM kg_approval_audit WHERE approval_id = $1 ORDER BY id`,
      [approvalId],
    );
    expect(entries.map((e) => e.event)).toEqual(['held', 'decision', 'cancelled']);
    expect((await decide(approvalId, C, 'reject')).status).toBe(409);
  });

  it('an operation that fails after its signature releases the spend it reserved', async () => {
    const wallet = await newWallet({
      rollingLimits: [{ asset: TOKEN, windowSeconds: 3600, max: '10', onBreach: 'block' }],
    });
    const first = await requestSignature(wallet, transfer(ALLOWED, 10n));
    expect(first.result.outcome).toBe('signed');
    const over = await requestSignature(wallet, transfer(ALLOWED, 10n));
    expect(over.result.outcome === 'refused' && over.result.error.code).toBe('BLOCKED_BY_POLICY');
    // The first one reverted on chain: the engine says FAILED.
    await client.publish(
      'keel.operation.status.v1',
      {
        operationId: first.operationId,
        status: 'FAILED',
        previousStatus: 'CONFIRMING',
        subStatus: 'REVERTED',
        sequence: 7,
        at: new Date().toISOString(),
      },
      { organizationId: ORG, correlationId: first.operationId },
    );
    await waitUntil('spend released', async () => {
      const rows = await kg.dataSource.query<{ released_at: Date | null }[]>(
        `SELECT released_at FROM kg_spend_reservation WHERE request_id = $1`,
        [first.requestId],
      );
      return rows[0]?.released_at != null;
    });
    expect((await requestSignature(wallet, transfer(ALLOWED, 10n))).result.outcome).toBe('signed');
  });

  it('an undecided hold is refused with APPROVAL_TIMEOUT at its deadline', async () => {
    const wallet = await newWallet({
      amountLimits: [{ max: '1', onBreach: 'require-approval' }],
      quorum: { ...quorum, timeoutSeconds: 1 },
    });
    const held = await requestSignature(wallet, transfer(ALLOWED, 2n));
    expect(held.result.outcome).toBe('pending-approval');
    if (held.result.outcome !== 'pending-approval') return;
    const [, refused] = await stack.resultFor(held.requestId, 2);
    expect(refused?.payload.outcome === 'refused' && refused.payload.error.code).toBe(
      'APPROVAL_TIMEOUT',
    );
    expect((await decide(held.result.approvalId, A, 'approve')).status).toBe(409);
    const detail = await http(
      'GET',
      `/internal/v1/approvals/${held.result.approvalId}?organizationId=${ORG}&subjectId=${A}`,
    );
    expect(detail.body['status']).toBe('expired');
    expect((detail.body['auditTrail'] as { event: string }[]).map((e) => e.event)).toEqual([
      'held',
      'expired',
    ]);
  });

  it('a blocking rule refuses at once: destination allowlist, amount limit', async () => {
    const wallet = await newWallet({
      destinationAllowlist: { addresses: [ALLOWED], onBreach: 'block' },
      amountLimits: [{ max: '1000', onBreach: 'block' }],
    });
    expect((await requestSignature(wallet, transfer(ALLOWED, 5n))).result.outcome).toBe('signed');
    for (const unsigned of [transfer(STRANGER, 5n), transfer(ALLOWED, 1001n)]) {
      const { result } = await requestSignature(wallet, unsigned);
      expect(result.outcome === 'refused' && result.error.code).toBe('BLOCKED_BY_POLICY');
    }
  });

  it('rolling spend and the allowlist hold under concurrency: 10 concurrent transfers against a limit for 3 → exactly 3 pass', async () => {
    const wallet = await newWallet({
      rollingLimits: [
        { asset: TOKEN, windowSeconds: 3600, max: '30', onBreach: 'require-approval' },
      ],
      destinationAllowlist: { addresses: [ALLOWED], onBreach: 'block' },
      quorum,
    });
    const policy = new WalletCustodyPolicy(
      new PolicyRepository(kg.dataSource),
      new ApprovalRepository(),
      new SigningRequestRepository(),
    );
    const decideOne = (to: Address) =>
      inTransaction(kg.dataSource, { organizationId: ORG }, async (tx) => {
        const unsigned = transfer(to, 10n);
        return policy.evaluate(
          {
            organizationId: ORG,
            wallet,
            operationId: randomUUID(),
            requestId: randomUUID(),
            chainId: 31337,
            unsignedTransaction: unsigned,
            signingHash: signingHashOf(unsigned),
            transaction: parseUnsignedTransaction(unsigned),
          },
          tx.manager,
        );
      });
    const decisions = await Promise.all([
      ...Array.from({ length: 10 }, () => decideOne(ALLOWED)),
      ...Array.from({ length: 3 }, () => decideOne(STRANGER)),
    ]);
    expect(decisions.slice(0, 10).filter((d) => d.kind === 'allow')).toHaveLength(3);
    expect(decisions.slice(0, 10).filter((d) => d.kind === 'hold')).toHaveLength(7);
    expect(decisions.slice(10).every((d) => d.kind === 'deny')).toBe(true);
  });

  it('wrote no key material to its logs', () => {
    expect(stack.logLines.join('\n')).not.toContain(stack.masterKey);
    expect(stack.logLines.join('\n')).toContain('approval quorum reached');
  });
});
