import { type OperationView } from '@keel/operations';
import { waitUntil } from '@keel/testing';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  type E2eStack,
  ORG,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Custodian policy for local keys (issue 7, items 4-5), over HTTP through every service as
// processes: a transfer the wallet's policy holds waits in PENDING_APPROVAL until 2 of 3
// named approvers approve (then completes on chain), fails BLOCKED_BY_POLICY on a rejection
// and APPROVAL_TIMEOUT at its deadline, survives a restart of every service, and rolling
// limits and the destination allowlist hold under concurrent operations.

type Json = Record<string, unknown>;
interface Approver {
  readonly key: string;
  readonly subjectId: string;
}

let stack: E2eStack;
let token: Address;
let signer: Address;
let approvers: Approver[];
let outsider: Approver;

async function api(
  path: string,
  options: { method?: string; key?: string; bearer?: string; body?: unknown } = {},
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${stack.gatewayUrl}/api/v1${path}`, {
    method: options.method ?? 'GET',
    headers: {
      ...(options.bearer
        ? { authorization: `Bearer ${options.bearer}` }
        : options.key === ''
          ? {}
          : { 'x-api-key': options.key ?? ADMIN_KEY }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : {}) as Json };
}

async function newKey(name: string): Promise<Approver> {
  const r = await api('/api-keys', {
    method: 'POST',
    body: { name, scope: 'read-write', roles: ['viewer'] },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return { key: r.json['key'] as string, subjectId: `apikey:${r.json['id'] as string}` };
}

const balance = (asset: Address, who: Address): Promise<bigint> =>
  stack.client.readContract({
    address: asset,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });

async function setPolicy(policy: Json): Promise<void> {
  const r = await api(`/wallets/${signer}/policy`, { method: 'PUT', body: policy });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

const quorum = (timeoutSeconds = 600) => ({
  approvers: approvers.map((a) => a.subjectId),
  required: 2,
  timeoutSeconds,
});

async function waitForStatus(id: string, status: string): Promise<void> {
  await waitUntil(`operation ${id} ${status}`, async () => (await stack.statusOf(id)) === status, {
    timeoutMs: 90_000,
    intervalMs: 250,
  });
}

/** The pending approval of an operation, as an approver lists it. */
async function approvalOf(operationId: string, who: Approver = approvers[0]!): Promise<Json> {
  let found: Json | undefined;
  await waitUntil(`approval of ${operationId}`, async () => {
    const r = await api('/approvals?status=pending', { key: who.key });
    found = (r.json['items'] as Json[] | undefined)?.find((i) => i['operationId'] === operationId);
    return found !== undefined;
  });
  return found!;
}

const decide = (
  id: string,
  who: Approver,
  decision: 'approve' | 'reject',
  comment: string = decision,
) =>
  api(`/approvals/${id}/decisions`, { method: 'POST', key: who.key, body: { decision, comment } });

const statuses = (op: OperationView) => op.history.map((h) => h.status);

beforeAll(async () => {
  stack = await startE2eStack({ prefix: 'e2e_appr', env: SPEC_POLLING });
  signer = stack.signerWallet;
  token = (await stack.keel.createToken('e2e-approvals', [])).address;
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), signer]);
  await stack.keel.registerHolder(signer);
  const minted = await stack.terminal(
    await stack.submit('token.mint', { asset: token, to: signer, amount: '100000' }, 'appr-mint'),
  );
  expect(minted.status).toBe('COMPLETED');
  approvers = [await newKey('approver-a'), await newKey('approver-b'), await newKey('approver-c')];
  outsider = await newKey('not-an-approver');
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('custodian policy with quorum approvals', () => {
  it('the policy is set and read by an admin; a non-admin and a bad policy are refused', async () => {
    await setPolicy({
      amountLimits: [{ asset: token, max: '100', onBreach: 'require-approval' }],
      quorum: quorum(),
    });
    const got = await api(`/wallets/${signer}/policy`);
    expect(got.status).toBe(200);
    expect(got.json['policy']).toMatchObject({ quorum: { required: 2 } });
    expect((await api(`/wallets/${signer}/policy`, { key: outsider.key })).status).toBe(403);
    const bad = await api(`/wallets/${signer}/policy`, {
      method: 'PUT',
      body: { amountLimits: [{ max: 'lots', onBreach: 'block' }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.json['error']).toMatchObject({ category: 'validation' });
    expect((await api(`/wallets/0x000000000000000000000000000000000000dEaD/policy`)).status).toBe(
      404,
    );
  });

  it('an amount over the limit waits in PENDING_APPROVAL for 2 of 3 approvals (the same approver twice counts once), then completes on chain; the audit trail shows each step', async () => {
    const bob = stack.bob.address;
    const [signerBefore, bobBefore] = [await balance(token, signer), await balance(token, bob)];
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: bob, amount: '150' },
      'appr-1',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approval = await approvalOf(id);
    expect(approval).toMatchObject({
      status: 'pending',
      operationId: id,
      function: 'transfer',
      asset: token.toLowerCase(),
      amount: '150',
      destination: bob.toLowerCase(),
      required: 2,
      decisions: [],
    });
    const approvalId = approval['id'] as string;

    // Someone who is not a named approver sees nothing and cannot decide.
    const outsiderList = await api('/approvals', { key: outsider.key });
    expect(outsiderList.json['items']).toEqual([]);
    expect((await api(`/approvals/${approvalId}`, { key: outsider.key })).status).toBe(404);
    expect((await decide(approvalId, outsider, 'approve')).status).toBe(404);

    const [a, b] = approvers as [Approver, Approver];
    const first = await decide(approvalId, a, 'approve', 'within mandate');
    expect(first.status).toBe(201);
    const twice = await decide(approvalId, a, 'approve', 'again');
    expect(twice.status).toBe(200);
    expect(twice.json).toMatchObject({
      recorded: false,
      decision: { approver: a.subjectId, comment: 'within mandate' },
      approval: { approvals: 1, status: 'pending' },
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await stack.statusOf(id)).toBe('PENDING_APPROVAL');

    expect((await decide(approvalId, b, 'approve')).status).toBe(201);
    const op = await stack.terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect(statuses(op)).toEqual(
      expect.arrayContaining(['SIGNING', 'PENDING_APPROVAL', 'BROADCASTING', 'COMPLETED']),
    );
    expect(statuses(op).indexOf('PENDING_APPROVAL')).toBeLessThan(
      statuses(op).indexOf('BROADCASTING'),
    );
    expect(signerBefore - (await balance(token, signer))).toBe(150n);
    expect((await balance(token, bob)) - bobBefore).toBe(150n);

    const detail = await api(`/approvals/${approvalId}`, { key: approvers[2]!.key });
    expect(detail.json).toMatchObject({ status: 'approved', approvals: 2 });
    const trail = detail.json['auditTrail'] as { event: string; actor: string; detail: Json }[];
    expect(trail.map((e) => [e.event, e.actor])).toEqual([
      ['held', 'key-guardian'],
      ['decision', a.subjectId],
      ['decision', b.subjectId],
      ['quorum-reached', 'key-guardian'],
    ]);
    // What was approved: the exact payload (its signing hash) and its decoded summary.
    expect(trail[3]!.detail).toMatchObject({
      signingHash: approval['signingHash'],
      summary: { function: 'transfer', amount: '150', destination: bob.toLowerCase() },
    });
    expect(trail[1]!.detail).toMatchObject({ decision: 'approve', comment: 'within mandate' });
  });

  it('a rejection fails the operation with BLOCKED_BY_POLICY', async () => {
    const before = await balance(token, signer);
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: stack.bob.address, amount: '200' },
      'appr-reject',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approval = await approvalOf(id);
    expect(
      (await decide(approval['id'] as string, approvers[1]!, 'reject', 'not authorised')).status,
    ).toBe(201);
    const op = await stack.terminal(id);
    expect(op).toMatchObject({ status: 'FAILED', subStatus: 'BLOCKED_BY_POLICY' });
    expect(await balance(token, signer)).toBe(before);
    const detail = await api(`/approvals/${approval['id'] as string}`, { key: approvers[1]!.key });
    expect((detail.json['auditTrail'] as { event: string }[]).map((e) => e.event)).toEqual([
      'held',
      'decision',
      'rejected',
    ]);
    // The nonce is not lost: the next transfer within the limit completes.
    const next = await stack.terminal(
      await stack.submit(
        'token.transfer',
        { asset: token, to: stack.bob.address, amount: '1' },
        'appr-after-reject',
      ),
    );
    expect(next.status).toBe('COMPLETED');
  });

  it('cancelling an operation that waits for approval ends it CANCELLED: its approval is closed (a decision answers 409), its reserved spend released and its nonce filled, so the next transfer completes', async () => {
    // 150 needs approval; the rolling window holds 150 (so the held 150 fills it).
    await setPolicy({
      amountLimits: [{ asset: token, max: '100', onBreach: 'require-approval' }],
      rollingLimits: [
        { asset: token, windowSeconds: 3600, max: '150', onBreach: 'require-approval' },
      ],
      quorum: quorum(),
    });
    const bob = stack.bob.address;
    const before = await balance(token, signer);
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: bob, amount: '150' },
      'appr-cancel',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approvalId = (await approvalOf(id))['id'] as string;
    expect((await decide(approvalId, approvers[0]!, 'approve')).status).toBe(201);

    const cancelled = await api(`/operations/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status, JSON.stringify(cancelled.json)).toBe(200);
    expect(cancelled.json).toMatchObject({
      status: 'CANCELLED',
      subStatus: 'CANCELLED_BY_REQUEST',
      error: { code: 'CANCELLED', details: { previousStatus: 'PENDING_APPROVAL' } },
    });
    const detailOf = async () =>
      (await api(`/approvals/${approvalId}`, { key: approvers[1]!.key })).json;
    await waitUntil('approval closed', async () => (await detailOf())['status'] === 'cancelled');
    const trail = (await detailOf())['auditTrail'] as { event: string; actor: string }[];
    expect(trail.map((e) => e.event)).toEqual(['held', 'decision', 'cancelled']);
    const late = await decide(approvalId, approvers[1]!, 'approve');
    expect(late.status).toBe(409);
    expect(late.json['error']).toMatchObject({
      category: 'conflict',
      details: { code: 'APPROVAL_NOT_PENDING', status: 'cancelled' },
    });

    // 100 fits the rolling window only if the held 150 was released, and is mined only if
    // the cancelled operation's nonce was filled (no gap in the signer's lane).
    const next = await stack.terminal(
      await stack.submit(
        'token.transfer',
        { asset: token, to: bob, amount: '100' },
        'appr-after-cancel',
      ),
    );
    expect(next.status, JSON.stringify(next)).toBe('COMPLETED');
    expect(statuses(next)).not.toContain('PENDING_APPROVAL');
    expect(before - (await balance(token, signer))).toBe(100n);
    expect(await stack.statusOf(id)).toBe('CANCELLED');
    // Once on its way to the chain it can no longer be cancelled.
    const refused = await api(`/operations/${next.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.json['error']).toMatchObject({
      category: 'conflict',
      details: { code: 'OPERATION_NOT_CANCELLABLE', status: 'COMPLETED' },
    });
  });

  it('an approval nobody decides fails the operation with APPROVAL_TIMEOUT at its deadline', async () => {
    await setPolicy({
      amountLimits: [{ asset: token, max: '100', onBreach: 'require-approval' }],
      quorum: quorum(3),
    });
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: stack.bob.address, amount: '300' },
      'appr-timeout',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approval = await approvalOf(id);
    const op = await stack.terminal(id);
    expect(op).toMatchObject({ status: 'FAILED', subStatus: 'APPROVAL_TIMEOUT' });
    const detail = await api(`/approvals/${approval['id'] as string}`, { key: approvers[0]!.key });
    expect(detail.json['status']).toBe('expired');
    expect((detail.json['auditTrail'] as { event: string }[]).map((e) => e.event)).toEqual([
      'held',
      'expired',
    ]);
    expect((await decide(approval['id'] as string, approvers[0]!, 'approve')).status).toBe(409);
  });

  it('a restart of every service while an approval waits loses nothing: approved after the restart, it completes', async () => {
    await setPolicy({
      amountLimits: [{ asset: token, max: '100', onBreach: 'require-approval' }],
      quorum: quorum(),
    });
    const carol = stack.carol.address;
    const carolBefore = await balance(token, carol);
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: carol, amount: '400' },
      'appr-restart',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approvalId = (await approvalOf(id))['id'] as string;
    expect((await decide(approvalId, approvers[0]!, 'approve')).status).toBe(201);

    // Every service killed (SIGKILL: no shutdown hook runs) and started again.
    await Promise.all([...stack.services.keys()].map((name) => stack.killAndRestart(name)));

    expect(await stack.statusOf(id)).toBe('PENDING_APPROVAL');
    const after = await api(`/approvals/${approvalId}`, { key: approvers[2]!.key });
    expect(after.json).toMatchObject({ status: 'pending', approvals: 1 });
    expect((await decide(approvalId, approvers[2]!, 'approve')).status).toBe(201);
    const op = await stack.terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect((await balance(token, carol)) - carolBefore).toBe(400n);
  }, 480_000);

  it('rolling spend and the destination allowlist hold under concurrency: of 10 concurrent transfers against a limit for 3, exactly 3 pass without approval', async () => {
    // A token of its own, so the rolling window starts empty.
    const asset = (await stack.keel.createToken('e2e-approvals-rolling', [])).address;
    await stack.adminWrite(asset, 'grantRole', [roleHash('supply-management'), signer]);
    const minted = await stack.terminal(
      await stack.submit('token.mint', { asset, to: signer, amount: '1000' }, 'appr-roll-mint'),
    );
    expect(minted.status).toBe('COMPLETED');
    const [alice, bob] = [stack.alice.address, stack.bob.address];
    await setPolicy({
      rollingLimits: [{ asset, windowSeconds: 3600, max: '30', onBreach: 'require-approval' }],
      destinationAllowlist: { addresses: [bob], onBreach: 'block' },
      quorum: quorum(),
    });
    const bobBefore = await balance(asset, bob);
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        stack.submit('token.transfer', { asset, to: bob, amount: '10' }, `appr-roll-${i}`),
      ),
    );
    const outside = await Promise.all(
      Array.from({ length: 2 }, (_, i) =>
        stack.submit('token.transfer', { asset, to: alice, amount: '1' }, `appr-roll-out-${i}`),
      ),
    );
    for (const id of outside)
      expect(await stack.terminal(id)).toMatchObject({
        status: 'FAILED',
        subStatus: 'BLOCKED_BY_POLICY',
      });

    // Every transfer is decided by the policy: it waits for approval or went on to be signed.
    const views = new Map<string, OperationView>();
    const undecided = ['RECEIVED', 'QUEUED', 'PREPARING', 'SIGNING'];
    let last: (string | null)[] = [];
    await waitUntil(
      'every transfer decided by the policy',
      async () => {
        last = await Promise.all(ids.map((id) => stack.statusOf(id)));
        return last.every((st) => st !== null && !undecided.includes(st));
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    ).catch((err: unknown) => {
      const logs = [...stack.services.entries()]
        .map(([n, x]) => `--- ${n}\n${x.proc.output().slice(-1500)}`)
        .join('\n');
      throw new Error(`${(err as Error).message}: ${JSON.stringify(last)}\n${logs}`);
    });
    expect(last.filter((st) => st === 'PENDING_APPROVAL')).toHaveLength(7);
    const held = await api('/approvals?status=pending', { key: approvers[0]!.key });
    const heldIds = (held.json['items'] as Json[])
      .filter((i) => ids.includes(i['operationId'] as string))
      .map((i) => [i['operationId'] as string, i['id'] as string] as const);
    expect(heldIds).toHaveLength(7);
    // Reject the held ones; their nonces are filled, so the 3 that passed complete.
    for (const [, approvalId] of heldIds)
      expect(
        (await decide(approvalId, approvers[0]!, 'reject', 'over the rolling limit')).status,
      ).toBe(201);
    for (const id of ids) views.set(id, await stack.terminal(id));
    const completed = [...views.values()].filter((v) => v.status === 'COMPLETED');
    const blocked = [...views.values()].filter((v) => v.subStatus === 'BLOCKED_BY_POLICY');
    expect(completed).toHaveLength(3);
    expect(blocked).toHaveLength(7);
    expect(completed.every((v) => !statuses(v).includes('PENDING_APPROVAL'))).toBe(true);
    expect((await balance(asset, bob)) - bobBefore).toBe(30n);
  }, 300_000);
  it('a user session decides with wallet verification: missing or wrong evidence is refused and records nothing', async () => {
    const password = 'correct horse battery staple 42';
    const created = await api('/users', {
      method: 'POST',
      body: { email: 'approver@keel.test', password, roles: ['viewer'] },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const user = `user:${created.json['id'] as string}`;
    const login = await api('/sessions', {
      method: 'POST',
      key: '',
      body: { organization: ORG, email: 'approver@keel.test', password },
    });
    expect(login.status, JSON.stringify(login.json)).toBe(201);
    const bearer = login.json['accessToken'] as string;
    const pin = await api('/me/wallet-verification/pin', {
      method: 'PUT',
      bearer,
      body: { pin: '482915', password },
    });
    expect(pin.status, JSON.stringify(pin.json)).toBe(200);
    await setPolicy({
      amountLimits: [{ asset: token, max: '100', onBreach: 'require-approval' }],
      quorum: { approvers: [approvers[0]!.subjectId, user], required: 2, timeoutSeconds: 600 },
    });
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: stack.bob.address, amount: '120' },
      'appr-session',
    );
    await waitForStatus(id, 'PENDING_APPROVAL');
    const approvalId = (await approvalOf(id))['id'] as string;
    const asUser = (body: Json) =>
      api(`/approvals/${approvalId}/decisions`, { method: 'POST', bearer, body });
    expect((await api('/approvals?status=pending', { bearer })).json['items']).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: approvalId })]),
    );
    const missing = await asUser({ decision: 'approve' });
    expect(missing.status).toBe(403);
    const wrong = await asUser({
      decision: 'approve',
      walletVerification: { type: 'pin', code: '000000' },
    });
    expect(wrong.status).toBe(401);
    expect((await api(`/approvals/${approvalId}`, { bearer })).json['decisions']).toEqual([]);
    const ok = await asUser({
      decision: 'approve',
      comment: 'checked',
      walletVerification: { type: 'pin', code: '482915' },
    });
    expect(ok.status, JSON.stringify(ok.json)).toBe(201);
    expect(ok.json).toMatchObject({ decision: { approver: user, comment: 'checked' } });
    expect((await decide(approvalId, approvers[0]!, 'approve')).status).toBe(201);
    expect((await stack.terminal(id)).status).toBe('COMPLETED');
  });
});
