import { randomBytes } from 'node:crypto';
import { type ConsumeContext, EventBus, KafkaBusDriver, listDeadLetters } from '@keel/bus';
import { createEvent, encodeEvent, type KeelEvent, newEventId } from '@keel/events';
import {
  INGRESS_TOPIC,
  type IngressStatus,
  type SignedIngressMessage,
  signIngressBody,
  signIngressMessage,
} from '@keel/ingress-client';
import type { RunningService } from '@keel/service-runtime';
import {
  createTestDatabase,
  freePort,
  type TestKafka,
  startTestKafka,
  TEST_INTERNAL_TOKEN,
  type TestDatabaseHandle,
  testInternalHeaders,
  waitUntil,
} from '@keel/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRequestControls } from '../bootstrap';

// Request controls in this process over a real Postgres and the Kafka mock cluster; the
// upstream producer is a plain kafkajs producer, as a bank's system would be.
const ORG = 'org-ingress';
const ADMIN_KEY = `keel_ingadmin1_${'a'.repeat(43)}`;
const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const mint = { type: 'token.mint', params: { asset, to: holder, amount: '1000' } };

let db: TestDatabaseHandle;
let kafka: TestKafka;
let service: RunningService;
let serviceEnv: Record<string, string>;
let producer: Producer;
let observer: EventBus;
const answers: { event: KeelEvent<'keel.ingress.status.v1'>; key: string | null }[] = [];
const accepted: KeelEvent<'keel.operation.accepted.v1'>[] = [];
const submitted: KeelEvent<'keel.operation.submitted.v1'>[] = [];
const keys: Record<'minter' | 'readOnly' | 'viewer' | 'other', string> = {
  minter: '',
  readOnly: '',
  viewer: '',
  other: '',
};
const LEGACY_KEY = `keel_legacy001_${'l'.repeat(43)}`;

async function createKey(scope: 'read' | 'read-write', roles: string[]): Promise<string> {
  const res = await fetch(`${service.url}/internal/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...testInternalHeaders },
    body: JSON.stringify({
      apiKey: ADMIN_KEY,
      key: { name: `ingress ${roles.join()}`, scope, roles },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

async function produce(m: Pick<SignedIngressMessage, 'key' | 'value' | 'headers'>): Promise<void> {
  await producer.send({
    topic: INGRESS_TOPIC,
    messages: [{ key: m.key, value: m.value, headers: m.headers }],
  });
}

async function answerFor(correlationId: string, outcome?: IngressStatus['outcome']) {
  let found: (typeof answers)[number] | undefined;
  await waitUntil(
    `ingress answer for ${correlationId}`,
    async () => {
      found = answers.find(
        (a) =>
          a.event.payload.correlationId === correlationId &&
          (outcome === undefined || a.event.payload.outcome === outcome),
      );
      return found !== undefined;
    },
    { timeoutMs: 30_000 },
  );
  expect(found!.key).toBe(correlationId);
  return found!.event.payload;
}

async function expectRefused(correlationId: string, code: string) {
  const answer = await answerFor(correlationId);
  expect(answer.outcome).toBe('rejected');
  expect(answer.error?.code).toBe(code);
  expect(answer.error?.retryable).toBe(false);
  expect(answer.error?.message.length).toBeGreaterThan(10);
  expect(answer.operationId).toBeUndefined();
  return answer;
}

const cid = (name: string) => `${name}-${randomBytes(4).toString('hex')}`;

/** A message signed like signIngressMessage, with overrides for the forgeries. */
function signed(
  apiKey: string,
  correlationId: string,
  overrides: { request?: unknown; messageId?: string; timestamp?: number } = {},
) {
  return signIngressBody(apiKey, {
    organizationId: ORG,
    correlationId,
    body: JSON.stringify({
      messageId: overrides.messageId ?? newEventId(),
      correlationId,
      request: overrides.request ?? mint,
    }),
    ...(overrides.timestamp !== undefined ? { timestamp: overrides.timestamp } : {}),
  });
}

/** The same payload in a fresh envelope (what a replaying attacker or a faulty producer sends). */
function rewrap(m: SignedIngressMessage, payload = m.event.payload) {
  const event = createEvent(INGRESS_TOPIC, payload, {
    organizationId: m.event.organizationId,
    correlationId: m.event.correlationId,
  });
  return { key: m.key, value: encodeEvent(event), headers: {} };
}

beforeAll(async () => {
  [db, kafka] = await Promise.all([createTestDatabase({ prefix: 'rc_ingress' }), startTestKafka()]);
  serviceEnv = {
    KEEL_DATABASE_URL: db.url,
    KEEL_HTTP_PORT: String(await freePort()),
    KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
    KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
    KEEL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    KEEL_BOOTSTRAP_ORGANIZATION: ORG,
    REQUEST_CONTROLS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    KEEL_LOG_LEVEL: 'silent',
  };
  service = await startRequestControls(serviceEnv);
  keys.minter = await createKey('read-write', ['supply-manager']);
  keys.readOnly = await createKey('read', ['supply-manager']);
  keys.viewer = await createKey('read-write', ['viewer']);
  keys.other = await createKey('read-write', ['supply-manager']);
  // A key issued before ingress existed: hashed secret, no sealed ingress key.
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  await pg.query(
    `INSERT INTO api_keys (id, organization_id, name, secret_hash, scope, roles)
     VALUES ('legacy001', $1, 'legacy', sha256($2::bytea), 'read-write', '{supply-manager}')`,
    [ORG, Buffer.from('l'.repeat(43))],
  );
  await pg.end();

  producer = new Kafka({ brokers: [...kafka.brokers], logLevel: logLevel.NOTHING }).producer({
    allowAutoTopicCreation: true,
    idempotent: false,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  observer = new EventBus(
    new KafkaBusDriver({ brokers: kafka.brokers, clientId: 'observer', kafkaLogLevel: 'nothing' }),
  );
  const sub = await observer.subscribe({
    group: 'ingress-spec-observer',
    handlers: {
      'keel.ingress.status.v1': async (event, ctx: ConsumeContext) =>
        void answers.push({ event, key: ctx.key }),
      'keel.operation.accepted.v1': async (e) => void accepted.push(e),
      'keel.operation.submitted.v1': async (e) => void submitted.push(e),
    },
  });
  await sub.ready;
}, 120_000);

afterAll(async () => {
  await producer?.disconnect();
  await observer?.close();
  await service?.close();
  await kafka?.stop();
  await db?.drop();
});

describe('Kafka ingress', () => {
  it('admits a signed mint, submits it as an ingress operation and forwards its status changes', async () => {
    const correlationId = cid('ok');
    const message = signIngressMessage(keys.minter, {
      organizationId: ORG,
      correlationId,
      request: mint,
    });
    await produce(message);
    const answer = await answerFor(correlationId, 'accepted');
    expect(answer).toMatchObject({ messageId: message.messageId, status: 'RECEIVED' });
    const operationId = answer.operationId!;

    await waitUntil('operation.accepted', async () =>
      accepted.some((e) => e.payload.operationId === operationId),
    );
    const acceptance = accepted.find((e) => e.payload.operationId === operationId)!;
    expect(acceptance.organizationId).toBe(ORG);
    expect(acceptance.payload.submittedBy).toEqual({
      kind: 'ingress',
      id: message.event.payload.apiKeyId,
    });
    expect(acceptance.payload.idempotencyKey).toBe(
      `ingress:${message.event.payload.apiKeyId}:${correlationId}`,
    );
    expect(acceptance.payload.params).toMatchObject(mint.params);

    // Later status changes of the operation reach the producer under its correlation id.
    const hash = `0x${'ab'.repeat(32)}`;
    await observer.publish(
      'keel.operation.status.v1',
      {
        operationId,
        status: 'COMPLETED',
        previousStatus: 'CONFIRMING',
        transactionHashes: [hash],
        sequence: 7,
        at: new Date().toISOString(),
      },
      { organizationId: ORG, correlationId: operationId },
    );
    const completed = await answerFor(correlationId, 'status');
    expect(completed).toMatchObject({
      operationId,
      status: 'COMPLETED',
      previousStatus: 'CONFIRMING',
      transactionHashes: [hash],
      sequence: 7,
    });

    // The same correlation id again (a producer retry with a new message id): same operation,
    // nothing submitted twice.
    const retry = signIngressMessage(keys.minter, {
      organizationId: ORG,
      correlationId,
      request: mint,
    });
    await produce(retry);
    await waitUntil('second accepted answer', async () =>
      answers.some(
        (a) =>
          a.event.payload.messageId === retry.messageId && a.event.payload.outcome === 'accepted',
      ),
    );
    expect(
      answers.find((a) => a.event.payload.messageId === retry.messageId)!.event.payload.operationId,
    ).toBe(operationId);
  });

  it('refuses forged, wrongly keyed, unknown-key and tampered messages as unauthenticated', async () => {
    const minterId = /^keel_([0-9a-z]+)_/.exec(keys.minter)![1]!;
    const forged = cid('forged');
    await produce(signed(`keel_${minterId}_${'f'.repeat(43)}`, forged));
    await expectRefused(forged, 'UNAUTHENTICATED');

    // Signed correctly by another key, but claiming the minter's key id.
    const wrongKey = cid('wrong-key');
    const byOther = signed(keys.other, wrongKey);
    await produce(rewrap(byOther, { ...byOther.event.payload, apiKeyId: minterId }));
    await expectRefused(wrongKey, 'UNAUTHENTICATED');

    const unknown = cid('unknown');
    await produce(signed(`keel_nosuchkey_${'u'.repeat(43)}`, unknown));
    await expectRefused(unknown, 'UNAUTHENTICATED');

    // A valid signature over another body: the amount was changed after signing.
    const tampered = cid('tampered');
    const original = signed(keys.minter, tampered);
    await produce(
      rewrap(original, {
        ...original.event.payload,
        body: original.event.payload.body.replace('"1000"', '"9999999"'),
      }),
    );
    await expectRefused(tampered, 'UNAUTHENTICATED');
  });

  it('refuses a stale or future timestamp and a replayed message id', async () => {
    const stale = cid('stale');
    await produce(signed(keys.minter, stale, { timestamp: Math.floor(Date.now() / 1000) - 600 }));
    const answer = await expectRefused(stale, 'STALE_MESSAGE');
    expect(answer.error?.details).toMatchObject({ windowSeconds: 300 });

    const future = cid('future');
    await produce(signed(keys.minter, future, { timestamp: Math.floor(Date.now() / 1000) + 600 }));
    await expectRefused(future, 'STALE_MESSAGE');

    // The exact signed payload again in a new envelope: its message id was seen.
    const first = cid('replayed');
    const message = signed(keys.minter, first, {
      request: { ...mint, params: { ...mint.params, amount: '5' } },
    });
    await produce(message);
    await answerFor(first, 'accepted');
    await produce(rewrap(message));
    await waitUntil('replay answer', async () =>
      answers.some(
        (a) => a.event.payload.correlationId === first && a.event.payload.outcome === 'rejected',
      ),
    );
    const refusal = answers.find(
      (a) => a.event.payload.correlationId === first && a.event.payload.outcome === 'rejected',
    )!.event.payload;
    expect(refusal.error?.code).toBe('REPLAYED_MESSAGE');
  });

  it('authorizes like HTTP: a read-only key, a missing role and invalid params are refused', async () => {
    const readOnly = cid('read-only');
    await produce(signed(keys.readOnly, readOnly));
    const a = await expectRefused(readOnly, 'FORBIDDEN');
    expect(a.error?.details).toMatchObject({ reason: 'read-only-key' });

    const noRole = cid('no-role');
    await produce(signed(keys.viewer, noRole));
    const b = await expectRefused(noRole, 'FORBIDDEN');
    expect(b.error?.details).toMatchObject({
      reason: 'missing-role',
      requiredRole: 'supply-manager',
    });

    const invalid = cid('invalid-params');
    await produce(
      signed(keys.minter, invalid, {
        request: { type: 'token.mint', params: { asset, to: holder, amount: '-1' } },
      }),
    );
    const c = await expectRefused(invalid, 'INVALID_OPERATION');
    expect(JSON.stringify(c.error?.details)).toContain('params.amount');

    const badBody = cid('bad-body');
    await produce(signed(keys.minter, badBody, { request: { ...mint, extra: true } }));
    await expectRefused(badBody, 'INVALID_MESSAGE');
  });

  it('tells the holder of a key issued before ingress to re-issue it', async () => {
    const legacy = cid('legacy');
    await produce(signed(LEGACY_KEY, legacy));
    const answer = await expectRefused(legacy, 'INGRESS_KEY_MISSING');
    expect(String(answer.error?.details?.['fix'])).toContain('new API key');
  });

  it('dead-letters malformed messages, answers them when a correlation id is readable, and keeps consuming', async () => {
    const notJson = cid('not-json');
    await produce({ key: notJson, value: '{"this is": not json', headers: {} });
    const a = await expectRefused(notJson, 'MALFORMED_MESSAGE');
    expect(a.error?.details).toMatchObject({ deadLetterReason: 'malformed' });

    // A valid envelope whose payload fails the catalog schema (no signature).
    const noSignature = cid('no-signature');
    const m = signed(keys.minter, noSignature);
    const envelope = JSON.parse(m.value) as { payload: Record<string, unknown> };
    delete envelope.payload['signature'];
    await produce({ key: 'some-other-key', value: JSON.stringify(envelope), headers: {} });
    await expectRefused(noSignature, 'MALFORMED_MESSAGE');

    // The consumer moved on: a valid message after them is admitted.
    const after = cid('after-malformed');
    await produce(
      signIngressMessage(keys.minter, { organizationId: ORG, correlationId: after, request: mint }),
    );
    await answerFor(after, 'accepted');

    const letters = await listDeadLetters(observer.driver, INGRESS_TOPIC);
    const reasons = letters
      .filter((l) => l.key === notJson || l.key === 'some-other-key')
      .map((l) => l.reason);
    expect(reasons).toEqual(['malformed', 'malformed']);
  });

  it('loses nothing across a restart: a message produced while request controls is down is admitted when it is back', async () => {
    await service.close();
    const correlationId = cid('restart');
    await produce(
      signIngressMessage(keys.minter, { organizationId: ORG, correlationId, request: mint }),
    );
    service = await startRequestControls(serviceEnv);
    const answer = await answerFor(correlationId, 'accepted');
    await waitUntil('operation.accepted after restart', async () =>
      accepted.some((e) => e.payload.operationId === answer.operationId),
    );
  });

  it('never executes a refused message', async () => {
    // Give in-flight submissions time to surface, then count: only admitted messages were submitted.
    await new Promise((r) => setTimeout(r, 2_000));
    const admitted = new Set(
      answers
        .filter((a) => a.event.payload.outcome === 'accepted')
        .map((a) => a.event.payload.operationId),
    );
    expect(admitted.size).toBeGreaterThanOrEqual(3);
    const refused = answers
      .filter((a) => a.event.payload.outcome === 'rejected')
      .map((a) => a.event.payload.correlationId);
    expect(refused.length).toBeGreaterThanOrEqual(13);
    for (const e of [...submitted, ...accepted]) {
      expect(admitted.has(e.payload.operationId)).toBe(true);
      const key = e.payload.idempotencyKey ?? '';
      for (const c of refused.filter((c) => !c.startsWith('replayed-')))
        expect(key).not.toContain(c);
    }
    expect(new Set(submitted.map((e) => e.payload.operationId)).size).toBe(admitted.size);
  });
});
