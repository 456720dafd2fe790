import type { KeelEvent } from '@keel/events';
import { problemSchema } from '@keel/operations';
import { waitUntil } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayStack, startGatewayStack } from './test-support/gateway-stack';

// The gateway in this process; request controls as its own process; Kafka mock cluster.
const ADMIN_KEY = `keel_admin0001_${'s'.repeat(43)}`;
const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

let stack: GatewayStack;
let base: string;
const seen: KeelEvent<'keel.operation.accepted.v1' | 'keel.operation.rejected.v1'>[] = [];

async function api(path: string, init: RequestInit & { key?: string | null } = {}) {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('x-api-key', init.key ?? ADMIN_KEY);
  if (init.body !== undefined && !headers.has('content-type'))
    headers.set('content-type', 'application/json');
  const res = await fetch(`${base}${path}`, { ...init, headers });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json: json as Record<string, unknown> };
}

function expectProblem(r: { status: number; json: unknown }, status: number, category: string) {
  expect(r.status).toBe(status);
  const parsed = problemSchema.parse(r.json);
  expect(parsed.error.category).toBe(category);
  expect(parsed.error.status).toBe(status);
  expect(parsed.error.why.length).toBeGreaterThan(0);
  expect(parsed.error.fix.length).toBeGreaterThan(0);
}

const mint = (amount = '1000') =>
  JSON.stringify({ type: 'token.mint', params: { asset, to: holder, amount } });

async function createKey(body: Record<string, unknown>): Promise<string> {
  const r = await api('/api/v1/api-keys', { method: 'POST', body: JSON.stringify(body) });
  expect(r.status).toBe(201);
  return r.json['key'] as string;
}

beforeAll(async () => {
  stack = await startGatewayStack({
    databases: { requestControls: 'gateway' },
    admin: { adminKey: ADMIN_KEY, organization: 'org-a' },
    serviceLogLevel: 'warn',
    gatewayEnv: { KEEL_HTTP_BODY_LIMIT_BYTES: '16384' },
    client: {
      clientId: 'observer',
      group: 'gateway-spec-observer',
      handlers: {
        'keel.operation.accepted.v1': async (e) => void seen.push(e),
        'keel.operation.rejected.v1': async (e) => void seen.push(e),
      },
    },
  });
  base = stack.gateway.url;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /api/v1/operations', () => {
  it('accepts a mint with 202 and request controls accepts it on the bus', async () => {
    const r = await api('/api/v1/operations', {
      method: 'POST',
      body: mint(),
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: 'RECEIVED' });
    const id = r.json['operationId'] as string;
    expect(r.json['statusUrl']).toBe(`/api/v1/operations/${id}`);
    await waitUntil('operation.accepted', async () => seen.some((e) => e.correlationId === id), {
      timeoutMs: 30_000,
    });
    const accepted = seen.find((e) => e.correlationId === id)!;
    expect(accepted.type).toBe('operation.accepted');
    expect(accepted.organizationId).toBe('org-a');
  });

  it('returns the same operation for the same key and body, 409 for another body', async () => {
    const first = await api('/api/v1/operations', {
      method: 'POST',
      body: mint('7'),
      headers: { 'idempotency-key': 'k-2' },
    });
    const again = await api('/api/v1/operations', {
      method: 'POST',
      body: mint('7'),
      headers: { 'idempotency-key': 'k-2' },
    });
    expect(again.status).toBe(202);
    expect(again.json['operationId']).toBe(first.json['operationId']);
    const other = await api('/api/v1/operations', {
      method: 'POST',
      body: mint('8'),
      headers: { 'idempotency-key': 'k-2' },
    });
    expectProblem(other, 409, 'conflict');
    expect(
      (other.json['error'] as { details: Record<string, unknown> }).details['operationId'],
    ).toBe(first.json['operationId']);
  });

  it('answers bad input with typed problems, never a 5xx', async () => {
    const post = (
      body: string,
      headers: Record<string, string> = { 'idempotency-key': `bad-${Math.random()}` },
    ) => api('/api/v1/operations', { method: 'POST', body, headers });
    expectProblem(await post('{"type": "token.mint",'), 400, 'validation');
    expectProblem(
      await post(JSON.stringify({ type: 'token.mint', params: { asset, to: holder, amount: 5 } })),
      422,
      'validation',
    );
    expectProblem(
      await post(JSON.stringify({ type: 'token.explode', params: {} })),
      422,
      'validation',
    );
    expectProblem(
      await post(
        JSON.stringify({ type: 'token.mint', params: { asset, to: 'nope', amount: '1' } }),
      ),
      422,
      'validation',
    );
    expectProblem(await post(JSON.stringify([1, 2, 3])), 422, 'validation');
    expectProblem(await post('null'), 422, 'validation');
    expectProblem(
      await post(
        JSON.stringify({
          type: 'token.mint',
          params: { asset, to: holder, amount: '1' },
          extra: 1,
        }),
      ),
      422,
      'validation',
    );
    expectProblem(await post(mint(), {}), 422, 'validation');
    expectProblem(await post(`{"pad":"${'x'.repeat(100_000)}"}`), 413, 'payload-too-large');
    expectProblem(
      await api('/api/v1/operations', {
        method: 'POST',
        body: 'type=token.mint',
        headers: { 'content-type': 'text/plain', 'idempotency-key': 'x' },
      }),
      415,
      'unsupported-media-type',
    );
    expectProblem(await api('/api/v1/nothing-here'), 404, 'not-found');
  });

  it('refuses wrong, missing and revoked keys (401) and missing roles or read-only keys (403)', async () => {
    const post = (key: string | null) =>
      api('/api/v1/operations', {
        method: 'POST',
        body: mint(),
        key,
        headers: { 'idempotency-key': 'auth-1' },
      });
    expectProblem(await post(null), 401, 'authentication');
    expectProblem(await post('not-a-key'), 401, 'authentication');
    expectProblem(await post(`keel_admin0001_${'t'.repeat(43)}`), 401, 'authentication');

    const transferAgent = await createKey({
      name: 'ta',
      scope: 'read-write',
      roles: ['transfer-agent'],
    });
    const denied = await post(transferAgent);
    expectProblem(denied, 403, 'authorization');
    expect((denied.json['error'] as { details: Record<string, unknown> }).details).toMatchObject({
      reason: 'missing-role',
      requiredRole: 'supply-manager',
    });
    const reader = await createKey({ name: 'ro', scope: 'read', roles: ['supply-manager'] });
    expectProblem(await post(reader), 403, 'authorization');
    const scoped = await createKey({
      name: 'scoped',
      scope: 'read-write',
      roles: ['supply-manager'],
      assets: [holder],
    });
    expectProblem(await post(scoped), 403, 'authorization');

    const minter = await createKey({
      name: 'minter',
      scope: 'read-write',
      roles: ['supply-manager'],
    });
    expect((await post(minter)).status).toBe(202);
    const keyId = minter.split('_')[1]!;
    const revoked = await api(`/api/v1/api-keys/${keyId}`, { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expectProblem(await post(minter), 401, 'authentication');
    // A key that does not exist (or belongs to another organization) is a 404, not a silent success.
    expectProblem(
      await api('/api/v1/api-keys/nosuchkey0000', { method: 'DELETE' }),
      404,
      'not-found',
    );
    // Only admins manage keys; a non-admin key gets 403.
    expectProblem(
      await api('/api/v1/api-keys', {
        method: 'POST',
        key: transferAgent,
        body: JSON.stringify({ name: 'x', scope: 'read', roles: ['viewer'] }),
      }),
      403,
      'authorization',
    );
    expectProblem(
      await api('/api/v1/api-keys', {
        method: 'POST',
        body: JSON.stringify({ name: 'x', scope: 'all', roles: [] }),
      }),
      422,
      'validation',
    );
  });

  it('lists keys without secrets', async () => {
    const r = await api('/api/v1/api-keys');
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.json)).not.toContain('secret');
    expect(JSON.stringify(r.json)).not.toContain('s'.repeat(43));
  });
});

describe('OpenAPI and dependencies', () => {
  it('serves the OpenAPI document with every operation type', async () => {
    const r = await api('/api/v1/openapi.json', { key: null });
    expect(r.status).toBe(200);
    const paths = Object.keys(r.json['paths'] as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/operations',
        '/operations/{id}',
        '/operations/{id}/events',
        '/compliance/simulate',
      ]),
    );
    expect(JSON.stringify(r.json)).toContain('token.forcedTransfer');
  });

  it('answers 503 (retryable) when a dependency is down, not 500', async () => {
    const r = await api('/api/v1/operations/some-id');
    expectProblem(r, 503, 'unavailable');
    expect((r.json['error'] as { retryable: boolean }).retryable).toBe(true);
  });
});
