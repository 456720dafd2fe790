import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { KeelEvent } from '@keel/events';
import { problemSchema } from '@keel/operations';
import { createLogger } from '@keel/telemetry';
import { testInternalHeaders, waitUntil } from '@keel/testing';
import { generate as totpCode } from 'otplib';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayStack, startGatewayStack } from '../test-support/gateway-stack';

// Gateway in this process (its log lines captured); request controls and the execution
// engine as their own processes (their output captured); mock Kafka cluster; Postgres.
const ADMIN_A = `keel_admina001_${randomBytes(32).toString('base64url')}`;
const ADMIN_B_ID = 'adminb0001';
const ADMIN_B_SECRET = randomBytes(32).toString('base64url');
const ADMIN_B = `keel_${ADMIN_B_ID}_${ADMIN_B_SECRET}`;
const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const PIN = '482913';

let stack: GatewayStack;
let base: string;
let rcUrl: string;
let pg: Client;
const gatewayLines: string[] = [];
const submitted: KeelEvent<'keel.operation.submitted.v1'>[] = [];
const decided: KeelEvent<'keel.operation.accepted.v1' | 'keel.operation.rejected.v1'>[] = [];
/** Every secret a client sent or received: none may appear in any log. */
const secrets = new Set<string>([PASSWORD, ADMIN_A, ADMIN_B]);

interface Call {
  key?: string | null;
  bearer?: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

async function api(method: string, path: string, call: Call = {}) {
  const headers = new Headers(call.headers);
  if (call.bearer !== undefined) headers.set('authorization', `Bearer ${call.bearer}`);
  else if (call.key !== null) headers.set('x-api-key', call.key ?? ADMIN_A);
  const body = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  if (body !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json, retryAfter: res.headers.get('retry-after') };
}

function problem(r: { status: number; json: unknown }, status: number, code?: string) {
  expect(r.status, JSON.stringify(r.json)).toBe(status);
  const parsed = problemSchema.parse(r.json);
  expect(parsed.error.status).toBe(status);
  if (code) expect(parsed.error.details['code']).toBe(code);
  return parsed.error;
}

async function createUser(email: string, roles: string[], key = ADMIN_A): Promise<string> {
  const r = await api('POST', '/api/v1/users', { key, body: { email, password: PASSWORD, roles } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  expect(JSON.stringify(r.json)).not.toContain(PASSWORD);
  return r.json['id'] as string;
}

async function login(email: string, organization = 'org-a') {
  const r = await api('POST', '/api/v1/sessions', {
    key: null,
    body: { organization, email, password: PASSWORD },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const access = r.json['accessToken'] as string;
  const refresh = r.json['refreshToken'] as string;
  secrets.add(access).add(refresh);
  return { access, refresh, body: r.json };
}

let nextKey = 0;
const mint = (amount = '1') => ({ type: 'token.mint', params: { asset, to: holder, amount } });
function submit(bearer: string | undefined, walletVerification?: unknown, key?: string) {
  return api('POST', '/api/v1/operations', {
    ...(bearer !== undefined ? { bearer } : { key: key ?? ADMIN_A }),
    headers: { 'idempotency-key': `idem-${++nextKey}` },
    body: { ...mint(String(nextKey)), ...(walletVerification ? { walletVerification } : {}) },
  });
}

async function expectAccepted(r: { status: number; json: Record<string, unknown> }) {
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const id = r.json['operationId'] as string;
  await waitUntil('operation.accepted', async () => decided.some((e) => e.correlationId === id), {
    timeoutMs: 30_000,
  });
  const decision = decided.find((e) => e.correlationId === id)!;
  expect(decision.type).toBe('operation.accepted');
  return { id, decision: decision as KeelEvent<'keel.operation.accepted.v1'> };
}

/** Refusals leave no trace on the bus: nothing submitted, nothing accepted. */
async function expectNothingPublished(fn: () => Promise<void>) {
  await new Promise((r) => setTimeout(r, 300));
  const before = submitted.length;
  await fn();
  await new Promise((r) => setTimeout(r, 1_000));
  expect(submitted.length).toBe(before);
}

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      gatewayLines.push(chunk.toString('utf8'));
      done();
    },
  });
  stack = await startGatewayStack({
    databases: { requestControls: 'sessions', engine: 'sessions_engine' },
    admin: { adminKey: ADMIN_A, organization: 'org-a' },
    serviceLogLevel: 'debug',
    requestControlsEnv: { REQUEST_CONTROLS_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
    gatewayEnv: { KEEL_HTTP_BODY_LIMIT_BYTES: '16384' },
    gatewayLogger: createLogger({ service: 'gateway', level: 'trace', destination }),
    client: {
      clientId: 'observer',
      group: 'sessions-spec-observer',
      handlers: {
        'keel.operation.submitted.v1': async (e) => void submitted.push(e),
        'keel.operation.accepted.v1': async (e) => void decided.push(e),
        'keel.operation.rejected.v1': async (e) => void decided.push(e),
      },
    },
  });
  base = stack.gateway.url;
  rcUrl = stack.requestControlsUrl;
  pg = new Client({ connectionString: stack.requestControlsDb.url });
  await pg.connect();
  // Organization B's admin key (stored as request controls stores keys: SHA-256 of the secret).
  await pg.query(
    `INSERT INTO api_keys (id, organization_id, name, secret_hash, scope, roles) VALUES ($1, 'org-b', 'b admin', $2, 'read-write', '{admin}')`,
    [ADMIN_B_ID, createHash('sha256').update(ADMIN_B_SECRET).digest()],
  );
}, 180_000);

afterAll(async () => {
  await pg?.end();
  await stack?.stop();
});

describe('sessions', () => {
  it('logs in with a password, refreshes with rotation, expires and logs out', async () => {
    const userId = await createUser('alice@example.com', ['viewer']);
    // Wrong password, unknown email, unknown organization: one and the same answer.
    const wrong = [
      { organization: 'org-a', email: 'alice@example.com', password: `${PASSWORD}x` },
      { organization: 'org-a', email: 'nobody@example.com', password: PASSWORD },
      { organization: 'org-z', email: 'alice@example.com', password: PASSWORD },
    ];
    const answers = await Promise.all(
      wrong.map((body) => api('POST', '/api/v1/sessions', { key: null, body })),
    );
    for (const a of answers) problem(a, 401, 'LOGIN_FAILED');
    expect(new Set(answers.map((a) => (a.json['error'] as { why: string }).why)).size).toBe(1);

    const s = await login('ALICE@example.com');
    expect(s.body).toMatchObject({
      tokenType: 'Bearer',
      user: { id: userId, organizationId: 'org-a', roles: ['viewer'] },
    });
    expect(s.body['expiresIn']).toBeGreaterThan(800);
    const me = await api('GET', '/api/v1/me/wallet-verification', { bearer: s.access });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ methods: [] });
    expect((await api('GET', '/api/v1/operations', { bearer: s.access })).status).toBe(200);
    // A viewer session may read but not manage users.
    problem(await api('GET', '/api/v1/users', { bearer: s.access }), 403);

    const r1 = await api('POST', '/api/v1/sessions/refresh', {
      key: null,
      body: { refreshToken: s.refresh },
    });
    expect(r1.status).toBe(200);
    const access2 = r1.json['accessToken'] as string;
    const refresh2 = r1.json['refreshToken'] as string;
    secrets.add(access2).add(refresh2);
    expect(access2).not.toBe(s.access);
    // The old tokens stop working at once.
    problem(await api('GET', '/api/v1/me/wallet-verification', { bearer: s.access }), 401);
    expect((await api('GET', '/api/v1/me/wallet-verification', { bearer: access2 })).status).toBe(
      200,
    );
    // Reusing the rotated refresh token is refused and ends the session (theft signal).
    problem(
      await api('POST', '/api/v1/sessions/refresh', {
        key: null,
        body: { refreshToken: s.refresh },
      }),
      401,
      'REFRESH_FAILED',
    );
    problem(await api('GET', '/api/v1/me/wallet-verification', { bearer: access2 }), 401);
    problem(
      await api('POST', '/api/v1/sessions/refresh', {
        key: null,
        body: { refreshToken: refresh2 },
      }),
      401,
      'REFRESH_FAILED',
    );

    // Expiry: an expired access token answers SESSION_EXPIRED; its refresh token still works.
    const t = await login('alice@example.com');
    await pg.query(
      `UPDATE sessions SET access_expires_at = now() - interval '1 second' WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
    problem(await api('GET', '/api/v1/operations', { bearer: t.access }), 401, 'SESSION_EXPIRED');
    const r2 = await api('POST', '/api/v1/sessions/refresh', {
      key: null,
      body: { refreshToken: t.refresh },
    });
    expect(r2.status).toBe(200);
    const access3 = r2.json['accessToken'] as string;
    secrets.add(access3).add(r2.json['refreshToken'] as string);
    // An expired refresh token is refused too.
    await pg.query(
      `UPDATE sessions SET refresh_expires_at = now() - interval '1 second' WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId],
    );
    problem(
      await api('POST', '/api/v1/sessions/refresh', {
        key: null,
        body: { refreshToken: r2.json['refreshToken'] },
      }),
      401,
      'REFRESH_FAILED',
    );

    // Logout revokes the session; the token then answers 401.
    const u = await login('alice@example.com');
    expect((await api('DELETE', '/api/v1/sessions/current', { bearer: u.access })).status).toBe(
      200,
    );
    problem(await api('GET', '/api/v1/operations', { bearer: u.access }), 401);
    problem(await api('DELETE', '/api/v1/sessions/current', { bearer: u.access }), 401);
    problem(
      await api('POST', '/api/v1/sessions/refresh', {
        key: null,
        body: { refreshToken: u.refresh },
      }),
      401,
    );
    // X-Api-Key and a bearer together are refused; a malformed bearer too.
    problem(
      await api('GET', '/api/v1/operations', {
        bearer: access3,
        headers: { 'x-api-key': ADMIN_A },
      }),
      401,
    );
    problem(await api('GET', '/api/v1/operations', { bearer: 'not-a-token' }), 401);
  });

  it('locks a login out after ten failures in a row for one organization and email, known user or not, with Retry-After', async () => {
    await createUser('dave@example.com', ['viewer']);
    await createUser('erin@example.com', ['viewer']);
    const attempt = (email: string, password: string) =>
      api('POST', '/api/v1/sessions', {
        key: null,
        body: { organization: 'org-a', email, password },
      });
    // Twelve wrong passwords at once: ten are checked, the two past the limit are locked out.
    for (const email of ['dave@example.com', 'nobody-else@example.com']) {
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => attempt(email, `${PASSWORD}x`)),
      );
      const codes = answers.map(
        (a) => (a.json['error'] as { details: { code: string } }).details.code,
      );
      expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(10);
      expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(2);
    }
    // Locked: the right password is refused too, and the answer says when to come back.
    const locked = await attempt('DAVE@example.com', PASSWORD);
    const refusal = problem(locked, 429, 'LOGIN_LOCKED');
    expect(refusal.retryable).toBe(true);
    expect(refusal.details['retryAfterSeconds']).toBeGreaterThan(800);
    expect(Number(locked.retryAfter)).toBe(refusal.details['retryAfterSeconds']);
    // A success clears the count: 9 + 9 failures around one login never lock erin out.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++)
        problem(await attempt('erin@example.com', 'wrong'), 401, 'LOGIN_FAILED');
      await login('erin@example.com');
    }
  });
  it('lets admins manage users; disabling ends sessions; other organizations see 404', async () => {
    const bobId = await createUser('bob@example.com', ['supply-manager']);
    const adminUserId = await createUser('root@example.com', ['admin']);
    const admin = await login('root@example.com');
    const list = await api('GET', '/api/v1/users', { bearer: admin.access });
    expect(list.status).toBe(200);
    expect((list.json['items'] as { id: string }[]).map((u) => u.id)).toEqual(
      expect.arrayContaining([bobId, adminUserId]),
    );
    expect(JSON.stringify(list.json)).not.toMatch(/password|scrypt/i);
    const patched = await api('PATCH', `/api/v1/users/${bobId}`, {
      bearer: admin.access,
      body: { roles: ['supply-manager', 'viewer'], displayName: 'Bob' },
    });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ roles: ['supply-manager', 'viewer'], displayName: 'Bob' });
    problem(
      await api('POST', '/api/v1/users', {
        body: { email: 'bob@example.com', password: PASSWORD, roles: ['viewer'] },
      }),
      409,
      'USER_EXISTS',
    );

    // Organization B: A's user answers exactly like a missing one.
    const missing = '0190f0f0-0000-7000-8000-000000000000';
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { disabled: true }],
      ['DELETE', undefined],
    ] as const) {
      const other = problem(
        await api(method, `/api/v1/users/${bobId}`, { key: ADMIN_B, body }),
        404,
      );
      const none = problem(
        await api(method, `/api/v1/users/${missing}`, { key: ADMIN_B, body }),
        404,
      );
      expect({ ...other, id: '', why: other.why.replace(bobId, '?'), details: {} }).toEqual({
        ...none,
        id: '',
        why: none.why.replace(missing, '?'),
        details: {},
      });
    }
    expect((await api('GET', '/api/v1/users', { key: ADMIN_B })).json['items']).toEqual([]);
    expect((await api('GET', `/api/v1/users/${bobId}`)).status).toBe(200);

    // Disabling ends every session of the user, and login is refused.
    const bob = await login('bob@example.com');
    expect(
      (
        await api('PATCH', `/api/v1/users/${bobId}`, {
          bearer: admin.access,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    problem(await api('GET', '/api/v1/operations', { bearer: bob.access }), 401);
    problem(
      await api('POST', '/api/v1/sessions', {
        key: null,
        body: { organization: 'org-a', email: 'bob@example.com', password: PASSWORD },
      }),
      401,
      'LOGIN_FAILED',
    );
    const deleted = await api('DELETE', `/api/v1/users/${bobId}`, { bearer: admin.access });
    expect(deleted.json).toEqual({ id: bobId, deleted: true });
    problem(await api('GET', `/api/v1/users/${bobId}`, { bearer: admin.access }), 404);
  });
});

describe('wallet verification of session writes', () => {
  let carolId: string;
  let carol: { access: string; refresh: string };

  beforeAll(async () => {
    carolId = await createUser('carol@example.com', ['supply-manager']);
    carol = await login('carol@example.com');
  });

  it('refuses writes without a configured method, then with missing or wrong evidence; a PIN admits', async () => {
    await expectNothingPublished(async () => {
      problem(await submit(carol.access), 403, 'WALLET_VERIFICATION_NOT_CONFIGURED');
      problem(
        await api('PUT', '/api/v1/me/wallet-verification/pin', {
          bearer: carol.access,
          body: { pin: PIN, password: 'wrong password!' },
        }),
        401,
        'WALLET_VERIFICATION_FAILED',
      );
      problem(
        await api('PUT', '/api/v1/me/wallet-verification/pin', {
          bearer: carol.access,
          body: { pin: '12345', password: PASSWORD },
        }),
        422,
      );
      const set = await api('PUT', '/api/v1/me/wallet-verification/pin', {
        bearer: carol.access,
        body: { pin: PIN, password: PASSWORD },
      });
      expect(set.status).toBe(200);
      expect(set.json).toMatchObject({ methods: ['pin'], pin: { configured: true } });
      problem(await submit(carol.access), 403, 'WALLET_VERIFICATION_REQUIRED');
      problem(
        await submit(carol.access, { type: 'totp', code: '123456' }),
        403,
        'WALLET_VERIFICATION_NOT_CONFIGURED',
      );
      const wrong = problem(
        await submit(carol.access, { type: 'pin', code: '000000' }),
        401,
        'WALLET_VERIFICATION_FAILED',
      );
      expect(wrong.details['attemptsRemaining']).toBe(4);
    });
    const { id, decision } = await expectAccepted(
      await submit(carol.access, { type: 'pin', code: PIN }),
    );
    expect(decision.payload.submittedBy).toEqual({ kind: 'user', id: carolId });
    expect(submitted.find((e) => e.correlationId === id)?.payload.submittedBy).toEqual({
      kind: 'user',
      id: carolId,
    });
    // API keys skip wallet verification.
    await expectAccepted(await submit(undefined));
  });

  it('admits a TOTP code once: the confirming code and a used code cannot be replayed', async () => {
    const started = await api('POST', '/api/v1/me/wallet-verification/totp', {
      bearer: carol.access,
      body: { password: PASSWORD },
    });
    expect(started.status).toBe(201);
    const secret = started.json['secret'] as string;
    secrets.add(secret);
    expect(started.json['otpauthUri']).toMatch(
      /^otpauth:\/\/totp\/Keel:carol%40example\.com\?secret=/,
    );
    const stored = await pg.query(
      'SELECT totp_pending_secret FROM wallet_verification WHERE user_id = $1',
      [carolId],
    );
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    problem(
      await submit(carol.access, { type: 'totp', code: '123456' }),
      403,
      'WALLET_VERIFICATION_NOT_CONFIGURED',
    );
    const now = await totpCode({ secret });
    const confirmed = await api('POST', '/api/v1/me/wallet-verification/totp/confirm', {
      bearer: carol.access,
      body: { code: now },
    });
    expect(confirmed.status, JSON.stringify(confirmed.json)).toBe(200);
    expect(confirmed.json).toMatchObject({
      totp: { configured: true, pendingConfirmation: false },
    });
    await expectNothingPublished(async () => {
      problem(
        await submit(carol.access, { type: 'totp', code: now }),
        401,
        'WALLET_VERIFICATION_FAILED',
      );
    });
    const next = await totpCode({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    await expectAccepted(await submit(carol.access, { type: 'totp', code: next }));
    await expectNothingPublished(async () => {
      problem(
        await submit(carol.access, { type: 'totp', code: next }),
        401,
        'WALLET_VERIFICATION_FAILED',
      );
    });
  });

  it('admits each backup code once', async () => {
    const r = await api('POST', '/api/v1/me/wallet-verification/backup-codes', {
      bearer: carol.access,
      body: { password: PASSWORD },
    });
    expect(r.status).toBe(201);
    const codes = r.json['codes'] as string[];
    expect(codes).toHaveLength(10);
    for (const c of codes) secrets.add(c);
    await expectAccepted(await submit(carol.access, { type: 'backup-code', code: codes[0] }));
    await expectNothingPublished(async () => {
      problem(
        await submit(carol.access, { type: 'backup-code', code: codes[0] }),
        401,
        'WALLET_VERIFICATION_FAILED',
      );
    });
    const status = await api('GET', '/api/v1/me/wallet-verification', { bearer: carol.access });
    expect(status.json).toMatchObject({
      methods: ['pin', 'totp', 'backup-code'],
      backupCodes: { remaining: 9 },
    });
  });

  it('locks out after five failures, even when they arrive at once; the lockout ends', async () => {
    await pg.query('UPDATE wallet_verification SET failures = 0 WHERE user_id = $1', [carolId]);
    let answers: { status: number; json: Record<string, unknown> }[] = [];
    await expectNothingPublished(async () => {
      answers = await Promise.all(
        Array.from({ length: 12 }, () => submit(carol.access, { type: 'pin', code: '111111' })),
      );
      const locked = problem(
        await submit(carol.access, { type: 'pin', code: PIN }),
        429,
        'WALLET_VERIFICATION_LOCKED',
      );
      expect(locked.details['retryAfterSeconds']).toBeGreaterThan(800);
      expect(locked.retryable).toBe(true);
    });
    const codes = answers.map(
      (a) => (a.json['error'] as { details: { code: string } }).details.code,
    );
    expect(codes.filter((c) => c === 'WALLET_VERIFICATION_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'WALLET_VERIFICATION_LOCKED')).toHaveLength(7);
    const status = await api('GET', '/api/v1/me/wallet-verification', { bearer: carol.access });
    expect(status.json['lockedUntil']).toEqual(expect.any(String));
    // The same counters guard the check endpoint other services use.
    const check = await fetch(`${rcUrl}/internal/v1/wallet-verification/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testInternalHeaders },
      body: JSON.stringify({
        bearer: carol.access,
        walletVerification: { type: 'pin', code: PIN },
      }),
    });
    expect(check.status).toBe(429);
    // Once the lockout is over, a correct PIN admits again.
    await pg.query(
      `UPDATE wallet_verification SET locked_until = now() - interval '1 second' WHERE user_id = $1`,
      [carolId],
    );
    await expectAccepted(await submit(carol.access, { type: 'pin', code: PIN }));
  });

  it('checks evidence for other services: API keys pass, sessions need valid evidence', async () => {
    const check = async (body: unknown) => {
      const res = await fetch(`${rcUrl}/internal/v1/wallet-verification/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...testInternalHeaders },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    };
    const key = await check({ apiKey: ADMIN_A });
    expect(key.status).toBe(200);
    expect(key.json['principal']).toMatchObject({ kind: 'api-key', subjectId: 'apikey:admina001' });
    const ok = await check({
      bearer: carol.access,
      walletVerification: { type: 'pin', code: PIN },
    });
    expect(ok.status).toBe(200);
    expect(ok.json['principal']).toMatchObject({
      kind: 'session',
      userId: carolId,
      subjectId: `user:${carolId}`,
      organizationId: 'org-a',
    });
    problem(await check({ bearer: carol.access }), 403, 'WALLET_VERIFICATION_REQUIRED');
    problem(
      await check({ bearer: carol.access, walletVerification: { type: 'pin', code: '999999' } }),
      401,
      'WALLET_VERIFICATION_FAILED',
    );
    problem(await check({}), 401);
  });

  it("hides another organization's operations like missing ones", async () => {
    const { id } = await expectAccepted(await submit(carol.access, { type: 'pin', code: PIN }));
    await waitUntil(
      'engine has the operation',
      async () =>
        (await api('GET', `/api/v1/operations/${id}`, { bearer: carol.access })).status === 200,
      { timeoutMs: 30_000 },
    );
    const missing = '0190f0f0-0000-7000-8000-000000000001';
    const other = problem(await api('GET', `/api/v1/operations/${id}`, { key: ADMIN_B }), 404);
    const none = problem(await api('GET', `/api/v1/operations/${missing}`, { key: ADMIN_B }), 404);
    expect({ ...other, id: '', why: other.why.replace(id, '?'), details: {} }).toEqual({
      ...none,
      id: '',
      why: none.why.replace(missing, '?'),
      details: {},
    });
  });

  it('answers bad input with typed problems, never a 5xx', async () => {
    const bad: [string, string, Call][] = [
      [
        'POST',
        '/api/v1/sessions',
        { key: null, body: { organization: 'org-a', email: 5, password: [] } },
      ],
      [
        'POST',
        '/api/v1/sessions',
        { key: null, body: { organization: 'org-a', email: 'a@b.c', password: 'x', admin: true } },
      ],
      ['POST', '/api/v1/sessions', { key: null, body: [1, 2] }],
      ['POST', '/api/v1/sessions/refresh', { key: null, body: { refreshToken: 42 } }],
      ['POST', '/api/v1/users', { body: { email: 'x@y.z', password: 'short', roles: ['viewer'] } }],
      ['POST', '/api/v1/users', { body: { email: 'x@y.z', password: PASSWORD, roles: ['root'] } }],
      [
        'POST',
        '/api/v1/users',
        { body: { email: 'x@y.z', password: PASSWORD, roles: ['viewer'], extra: 1 } },
      ],
      ['PATCH', `/api/v1/users/${carolId}`, { body: {} }],
      ['PATCH', `/api/v1/users/${carolId}`, { body: { disabled: 'yes' } }],
      [
        'PUT',
        '/api/v1/me/wallet-verification/pin',
        { bearer: carol.access, body: { pin: 123456, password: PASSWORD } },
      ],
      ['PUT', '/api/v1/me/wallet-verification/pin', { bearer: carol.access, body: [] }],
      [
        'POST',
        '/api/v1/me/wallet-verification/totp/confirm',
        { bearer: carol.access, body: { code: 'abcdef' } },
      ],
      [
        'DELETE',
        '/api/v1/me/wallet-verification/fingerprint',
        { bearer: carol.access, body: { password: PASSWORD } },
      ],
      [
        'POST',
        '/api/v1/operations',
        {
          bearer: carol.access,
          headers: { 'idempotency-key': 'bad-1' },
          body: { ...mint(), walletVerification: { type: 'pin', code: PIN, extra: 1 } },
        },
      ],
      [
        'POST',
        '/api/v1/operations',
        {
          bearer: carol.access,
          headers: { 'idempotency-key': 'bad-2' },
          body: { ...mint(), walletVerification: { type: 'sms', code: '1' } },
        },
      ],
      [
        'POST',
        '/api/v1/operations',
        {
          bearer: carol.access,
          headers: { 'idempotency-key': 'bad-3' },
          body: { ...mint(), walletVerification: 'pin:123456' },
        },
      ],
    ];
    for (const [method, path, call] of bad) {
      const r = await api(method, path, call);
      expect(r.status, `${method} ${path} ${JSON.stringify(r.json)}`).toBe(422);
      problemSchema.parse(r.json);
    }
    const huge = await api('POST', '/api/v1/sessions', {
      key: null,
      body: { organization: 'org-a', email: 'a@b.c', password: 'x'.repeat(100_000) },
    });
    expect(huge.status).toBe(413);
    problemSchema.parse(huge.json);
    // API keys have no wallet verification of their own.
    problem(await api('GET', '/api/v1/me/wallet-verification'), 403, 'SESSION_REQUIRED');
  });

  it('removes a method; setting one needs the password', async () => {
    const r = await api('DELETE', '/api/v1/me/wallet-verification/totp', { bearer: carol.access });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ methods: ['pin', 'backup-code'], totp: { configured: false } });
    problem(
      await api('POST', '/api/v1/me/wallet-verification/totp', { bearer: carol.access, body: {} }),
      422,
    );
  });
});

describe('logs', () => {
  it('never contain a password, PIN, TOTP secret, backup code or token', () => {
    const logs = [
      gatewayLines.join(''),
      stack.requestControls.output(),
      stack.engine!.output(),
    ].join('\n');
    expect(logs.length).toBeGreaterThan(1000);
    for (const s of [...secrets, `"${PIN}"`]) expect(logs).not.toContain(s);
  });
});
