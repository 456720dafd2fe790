import { createEvent, type KeelEvent } from '@keel/events';
import { type OperationList, type OperationView, problemSchema } from '@keel/operations';
import { waitUntil } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayStack, startGatewayStack } from './test-support/gateway-stack';

// HTTP reads over the real journal: gateway (this process), request controls and
// the execution engine (processes), Kafka mock. The suite answers compliance.
const ADMIN_KEY = `keel_admin0002_${'q'.repeat(43)}`;
const OTHER_ORG_KEY = `keel_other0002_${'r'.repeat(43)}`;
const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const signer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

let stack: GatewayStack;
let base: string;
const complianceRequests: KeelEvent<'keel.compliance.requested.v1'>[] = [];

function api(path: string, init: RequestInit & { key?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('x-api-key', init.key ?? ADMIN_KEY);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  return fetch(`${base}${path}`, { ...init, headers });
}

async function submit(type: string, params: Record<string, unknown>, key: string): Promise<string> {
  const res = await api('/api/v1/operations', {
    method: 'POST',
    headers: { 'idempotency-key': key },
    body: JSON.stringify({ type, params, signer }),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { operationId: string }).operationId;
}

async function getOp(id: string): Promise<OperationView> {
  const res = await api(`/api/v1/operations/${id}`);
  return (await res.json()) as OperationView;
}

beforeAll(async () => {
  stack = await startGatewayStack({
    databases: { requestControls: 'flow_rc', engine: 'flow_engine' },
    admin: { adminKey: ADMIN_KEY, organization: 'org-flow' },
    serviceLogLevel: 'warn',
    gatewayEnv: { KEEL_SSE_POLL_INTERVAL_MS: '50' },
    client: {
      clientId: 'flow-spec',
      group: 'flow-spec-simulator',
      handlers: { 'keel.compliance.requested.v1': async (e) => void complianceRequests.push(e) },
    },
  });
  base = stack.gateway.url;
  // A second organization's admin key, installed by a second request-controls start on the same database.
  await stack.startRequestControls('request-controls-2', {
    adminKey: OTHER_ORG_KEY,
    organization: 'org-other',
  });
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function answerCompliance(
  id: string,
  payload: Omit<
    Parameters<typeof createEvent<'keel.compliance.result.v1'>>[1],
    'operationId' | 'transactionIndex'
  >,
) {
  await waitUntil(
    `compliance.requested ${id}`,
    async () => complianceRequests.some((e) => e.correlationId === id),
    { timeoutMs: 45_000 },
  );
  const req = complianceRequests.find((e) => e.correlationId === id)!;
  const event = createEvent(
    'keel.compliance.result.v1',
    { operationId: id, transactionIndex: 0, ...payload },
    {
      organizationId: req.organizationId,
      correlationId: id,
    },
  );
  await stack.bus.publishEvents([{ topic: 'keel.compliance.result.v1', event }]);
}

describe('operations over HTTP', () => {
  it('shows a compliance denial with module and reason, streams its status changes, and lists it', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '10' }, 'flow-1');
    await waitUntil(
      'journal entry',
      async () => (await api(`/api/v1/operations/${id}`)).status === 200,
      { timeoutMs: 30_000 },
    );

    const sse = await api(`/api/v1/operations/${id}/events`);
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');

    await answerCompliance(id, {
      allowed: false,
      modules: [
        { module: 'CountryAllowListModule', passed: false, reason: 'CountryNotAllowed(250)' },
      ],
      deniedBy: { module: 'CountryAllowListModule', reason: 'CountryNotAllowed(250)' },
    });
    const stream = await sse.text(); // ends when the operation is terminal
    const statuses = [...stream.matchAll(/"status":"([A-Z_]+)"/g)].map((m) => m[1]);
    expect(statuses).toEqual(['RECEIVED', 'QUEUED', 'PREPARING', 'FAILED']);

    const op = await getOp(id);
    expect(op).toMatchObject({
      status: 'FAILED',
      subStatus: 'COMPLIANCE_REJECTED',
      error: { module: 'CountryAllowListModule', reason: 'CountryNotAllowed(250)' },
      type: 'token.transfer',
    });
    expect(op.transactions[0]).toMatchObject({ from: signer, to: asset, hash: null, nonce: null });

    const list = (await (
      await api('/api/v1/operations?status=FAILED&limit=10')
    ).json()) as OperationList;
    expect(list.items.map((i) => i.id)).toContain(id);
  });

  it('paginates with a cursor and validates the query', async () => {
    const ids = [
      await submit('token.pause', { asset }, 'flow-p1'),
      await submit('token.unpause', { asset }, 'flow-p2'),
    ];
    await waitUntil(
      'journal entries',
      async () => {
        const all = (await (await api('/api/v1/operations?limit=200')).json()) as OperationList;
        return ids.every((i) => all.items.some((x) => x.id === i));
      },
      { timeoutMs: 30_000 },
    );
    const first = (await (await api('/api/v1/operations?limit=1')).json()) as OperationList;
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await api(`/api/v1/operations?limit=1&cursor=${first.nextCursor}`)
    ).json()) as OperationList;
    expect(second.items[0]!.id < first.items[0]!.id).toBe(true);
    const bad = await api('/api/v1/operations?limit=0&status=NOPE');
    expect(bad.status).toBe(422);
    problemSchema.parse(await bad.json());
  });

  it('answers another organization like a missing operation', async () => {
    const id = await submit('token.pause', { asset }, 'flow-o1');
    await waitUntil(
      'journal entry',
      async () => (await api(`/api/v1/operations/${id}`)).status === 200,
      { timeoutMs: 30_000 },
    );
    const other = await api(`/api/v1/operations/${id}`, { key: OTHER_ORG_KEY });
    const missing = await api('/api/v1/operations/00000000-0000-7000-8000-000000000000', {
      key: OTHER_ORG_KEY,
    });
    expect(other.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [
      problemSchema.parse(await other.json()),
      problemSchema.parse(await missing.json()),
    ];
    expect(a.error.category).toBe(b.error.category);
  });
  it('cancels an operation before it is signed; from SIGNING on the answer is 409 OPERATION_NOT_CANCELLABLE', async () => {
    const id = await submit('token.pause', { asset }, 'flow-c1');
    await waitUntil(
      `compliance.requested ${id}`,
      async () => complianceRequests.some((e) => e.correlationId === id),
      { timeoutMs: 45_000 },
    );
    const cancel = (opId: string, key?: string) =>
      api(`/api/v1/operations/${opId}/cancel`, { method: 'POST', ...(key ? { key } : {}) });
    expect((await cancel(id, OTHER_ORG_KEY)).status).toBe(404);
    expect((await cancel(id, 'keel_nope0000_' + 'x'.repeat(43))).status).toBe(401);
    const res = await cancel(id);
    expect(res.status).toBe(200);
    expect(((await res.json()) as OperationView).status).toBe('CANCELLED');
    const view = await getOp(id);
    expect(view).toMatchObject({ status: 'CANCELLED', subStatus: 'CANCELLED_BY_REQUEST' });
    expect(view.history.at(-1)?.status).toBe('CANCELLED');

    const signing = await submit('token.pause', { asset }, 'flow-c2');
    await answerCompliance(signing, { allowed: true, modules: [], gasEstimate: '40000' });
    await waitUntil('SIGNING', async () => (await getOp(signing)).status === 'SIGNING', {
      timeoutMs: 30_000,
    });
    const refused = await cancel(signing);
    expect(refused.status).toBe(409);
    expect(problemSchema.parse(await refused.json()).error).toMatchObject({
      category: 'conflict',
      details: { code: 'OPERATION_NOT_CANCELLABLE', status: 'SIGNING' },
    });
    expect((await getOp(signing)).status).toBe('SIGNING');
  });
});
