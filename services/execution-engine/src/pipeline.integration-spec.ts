import { EventBus, Headers, KafkaBusDriver, NonRetryableError } from '@keel/bus';
import { createEvent, type KeelEvent, type PayloadInput, type TopicName } from '@keel/events';
import { type OperationView, problemSchema } from '@keel/operations';
import {
  createTestDatabase,
  freePort,
  type TestKafka,
  type ManagedProcess,
  startTestKafka,
  startProcess,
  type TestDatabaseHandle,
  testInternalHeaders,
  waitUntil,
} from '@keel/testing';
import { Client } from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { type Hex, keccak256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The engine as its own process over the Kafka mock cluster; this suite plays
// request controls, the compliance simulator, the signer and the chain gateway.
const accountKey = '0xac0974bec39a17e36ba4a4b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const account = privateKeyToAccount(accountKey);
/** Another key: a payload it signed recovers to a signer other than the prepared one. */
const otherKey = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const org = 'org-engine';
const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const CHAIN_ID = 31337;

let db: TestDatabaseHandle;
let kafka: TestKafka;
let engine: ManagedProcess;
let port: number;
let bus: EventBus;
const received: KeelEvent<TopicName>[] = [];
/** Operations whose signature request the spec's stand-in signer refuses as poison. */
const poisoned = new Set<string>();

function startEngine(): ManagedProcess {
  return startProcess({
    entry: 'services/execution-engine/src/main.ts',
    name: 'execution-engine',
    env: {
      KEEL_DATABASE_URL: db.url,
      KEEL_HTTP_PORT: String(port),
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_CHAIN_ID: String(CHAIN_ID),
      KEEL_LOG_LEVEL: 'warn',
      KEEL_COMPLIANCE_RETRIES: '2',
    },
  });
}

async function engineReady(): Promise<void> {
  await waitUntil(
    'execution-engine',
    async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok,
    {
      timeoutMs: 60_000,
    },
  );
}

async function publish<T extends TopicName>(
  topic: T,
  operationId: string,
  payload: Parameters<typeof createEvent<T>>[1],
) {
  const event = createEvent(topic, payload, { organizationId: org, correlationId: operationId });
  await bus.publishEvents([{ topic, event }]);
  return event;
}

function eventsOf<T extends TopicName>(topic: T, operationId: string): KeelEvent<T>[] {
  const type = topic.replace(/^keel\./, '').replace(/\.v1$/, '');
  return received.filter(
    (e) => e.type === type && e.correlationId === operationId,
  ) as KeelEvent<T>[];
}

async function next<T extends TopicName>(
  topic: T,
  operationId: string,
  count = 1,
): Promise<KeelEvent<T>> {
  await waitUntil(
    `${topic} for ${operationId}`,
    async () => eventsOf(topic, operationId).length >= count,
    { timeoutMs: 45_000 },
  );
  return eventsOf(topic, operationId)[count - 1]!;
}

async function view(id: string): Promise<OperationView> {
  const res = await fetch(
    `http://127.0.0.1:${port}/internal/v1/operations/${id}?organizationId=${org}`,
    { headers: testInternalHeaders },
  );
  return (await res.json()) as OperationView;
}

async function cancel(
  id: string,
  organizationId = org,
  body: Record<string, unknown> = { requestedBy: 'apikey:k1' },
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/internal/v1/operations/${id}/cancel`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...testInternalHeaders },
    body: JSON.stringify({ organizationId, ...body }),
  });
}

/** Whether the engine's consumer `group` has handled the event (its inbox row committed). */
async function inboxHas(group: string, eventId: string): Promise<boolean> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    const r = await client.query(
      'SELECT 1 FROM keel_inbox WHERE consumer_group = $1 AND event_id = $2',
      [group, eventId],
    );
    return (r.rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

async function until(id: string, status: string): Promise<OperationView> {
  await waitUntil(`${id} ${status}`, async () => (await view(id)).status === status, {
    timeoutMs: 45_000,
  });
  return view(id);
}

async function submit(type: string, params: Record<string, unknown>): Promise<string> {
  return submitWithId(uuidv7(), type, params);
}

async function submitWithId(
  operationId: string,
  type: string,
  params: Record<string, unknown>,
): Promise<string> {
  await publish('keel.operation.submitted.v1', operationId, {
    operationId,
    operationType: type,
    params,
    signer: account.address,
    submittedBy: { kind: 'api-key', id: 'k1' },
    submittedAt: new Date().toISOString(),
  });
  await publish('keel.operation.accepted.v1', operationId, {
    operationId,
    operationType: type,
    params,
    signer: account.address,
    acceptedAt: new Date().toISOString(),
    // As request-controls does: whichever of the two events the engine handles first opens
    // the operation, with its submitter.
    submittedBy: { kind: 'api-key', id: 'k1' },
  });
  return operationId;
}

async function sign(
  req: KeelEvent<'keel.signature.requested.v1'>,
  nonce: number,
  tamper?: { data?: Hex },
): Promise<Hex> {
  return account.signTransaction({
    type: 'eip1559',
    chainId: req.payload.call.chainId,
    nonce,
    to: req.payload.call.to as Hex,
    data: tamper?.data ?? (req.payload.call.data as Hex),
    value: BigInt(req.payload.call.value),
    gas: BigInt(req.payload.gasLimit ?? '100000'),
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
  });
}

/** The compliance simulator's answer for `id`: allowed, with this gas estimate. */
async function passCompliance(
  id: string,
  gasEstimate: string,
  modules: PayloadInput<'keel.compliance.result.v1'>['modules'] = [],
): Promise<void> {
  await publish('keel.compliance.result.v1', id, {
    operationId: id,
    transactionIndex: 0,
    allowed: true,
    modules,
    gasEstimate,
  });
}

/** Submits an operation, passes its compliance check and waits for its signature request. */
async function submitToSigning(
  type: string,
  params: Record<string, unknown>,
  gasEstimate: string,
): Promise<{ id: string; sigReq: KeelEvent<'keel.signature.requested.v1'> }> {
  const id = await submit(type, params);
  await next('keel.compliance.requested.v1', id);
  await passCompliance(id, gasEstimate);
  return { id, sigReq: await next('keel.signature.requested.v1', id) };
}

/** The signer's answer for `id`: `raw`, reported as signed by the prepared signer at `nonce`. */
function deliverSigned(id: string, raw: Hex, nonce: number) {
  return publish('keel.signature.result.v1', id, {
    outcome: 'signed',
    operationId: id,
    transactionIndex: 0,
    chainId: CHAIN_ID,
    signer: account.address,
    nonce: String(nonce),
    rawTransaction: raw,
    hash: keccak256(raw),
  });
}

/** The chain gateway's receipt for `raw`, with one confirmation. */
async function deliverReceipt(
  id: string,
  raw: Hex,
  outcome: Pick<PayloadInput<'keel.receipt.v1'>, 'status' | 'blockNumber' | 'gasUsed' | 'revert'>,
): Promise<void> {
  await publish('keel.receipt.v1', id, {
    operationId: id,
    transactionIndex: 0,
    chainId: CHAIN_ID,
    hash: keccak256(raw),
    confirmations: 1,
    ...outcome,
  });
}

beforeAll(async () => {
  [db, kafka] = await Promise.all([createTestDatabase({ prefix: 'engine' }), startTestKafka()]);
  port = await freePort();
  bus = new EventBus(
    new KafkaBusDriver({
      brokers: kafka.brokers,
      clientId: 'engine-spec',
      kafkaLogLevel: 'nothing',
    }),
  );
  const collect = async (e: KeelEvent<TopicName>) => void received.push(e);
  const sub = await bus.subscribe({
    group: 'engine-spec',
    handlers: {
      'keel.compliance.requested.v1': collect,
      'keel.signature.requested.v1': collect,
      'keel.broadcast.requested.v1': collect,
      'keel.operation.status.v1': collect,
      'keel.message.dead-lettered.v1': collect,
    },
  });
  // Plays a transaction signer that cannot process one operation's signature request (poison).
  const poisonSigner = await bus.subscribe({
    group: 'transaction-signer',
    handlers: {
      'keel.signature.requested.v1': async (e) => {
        await Promise.resolve();
        if (poisoned.has(e.correlationId))
          throw new NonRetryableError('signer wallet is not configured for this lane');
      },
    },
  });
  await Promise.all([sub.ready, poisonSigner.ready]);
  engine = startEngine();
  await engineReady();
}, 180_000);

afterAll(async () => {
  await engine?.stop();
  await bus?.close();
  await kafka?.stop();
  await db?.drop();
});

describe('execution engine pipeline', () => {
  it('runs a transfer through every state to COMPLETED, publishing each step through the outbox', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '5' });
    const compliance = await next('keel.compliance.requested.v1', id);
    expect(compliance.payload.call).toMatchObject({
      from: account.address,
      to: asset,
      chainId: CHAIN_ID,
    });
    expect(compliance.payload.transfer).toEqual({ from: account.address, to: holder, amount: '5' });
    expect(eventsOf('keel.signature.requested.v1', id)).toHaveLength(0);

    await passCompliance(id, '50000', [{ module: 'identity-registry', passed: true }]);
    const sigReq = await next('keel.signature.requested.v1', id);
    expect(sigReq.payload).toMatchObject({
      gasLimit: '62500',
      nonceReservationId: `${id}:0`,
      organizationId: org,
    });

    const raw = await sign(sigReq, 0);
    await deliverSigned(id, raw, 0);
    const broadcast = await next('keel.broadcast.requested.v1', id);
    expect(broadcast.payload).toMatchObject({
      hash: keccak256(raw),
      rawTransaction: raw,
      nonce: '0',
    });

    await deliverReceipt(id, raw, { status: 'success', blockNumber: '12', gasUsed: '48000' });
    const done = await until(id, 'COMPLETED');
    expect(done.history.map((h) => h.status)).toEqual([
      'RECEIVED',
      'QUEUED',
      'PREPARING',
      'SIGNING',
      'BROADCASTING',
      'CONFIRMING',
      'COMPLETED',
    ]);
    expect(done.transactions[0]).toMatchObject({
      hash: keccak256(raw),
      nonce: '0',
      blockNumber: '12',
      status: 'mined',
    });
    // The block a read passes as minBlock to see this operation's effect.
    expect(done.minBlock).toBe('12');
    const statuses = await waitUntil(
      'status events',
      async () => eventsOf('keel.operation.status.v1', id).length >= 7,
    ).then(() => eventsOf('keel.operation.status.v1', id).map((e) => e.payload.sequence));
    expect([...new Set(statuses)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Each names how the operation came in, which consumers select on (keel-selectors).
    expect(
      new Set(eventsOf('keel.operation.status.v1', id).map((e) => e.payload.submittedVia)),
    ).toEqual(new Set(['api-key']));
  });

  it('fails a compliance denial with the module and reason, before any signature', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '5' });
    await next('keel.compliance.requested.v1', id);
    await publish('keel.compliance.result.v1', id, {
      operationId: id,
      transactionIndex: 0,
      allowed: false,
      modules: [
        { module: 'identity-registry', passed: true },
        {
          module: 'CountryBlockListModule',
          passed: false,
          reason: 'CountryBlocked(250)',
          errorName: 'CountryBlocked',
        },
      ],
      deniedBy: { module: 'CountryBlockListModule', reason: 'CountryBlocked(250)' },
    });
    const failed = await until(id, 'FAILED');
    expect(failed.subStatus).toBe('COMPLIANCE_REJECTED');
    expect(failed.error).toMatchObject({
      module: 'CountryBlockListModule',
      reason: 'CountryBlocked(250)',
    });
    expect(failed.transactions[0]).toMatchObject({ nonce: null, hash: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(eventsOf('keel.signature.requested.v1', id)).toHaveLength(0);
  });

  it('refuses a signed payload whose calldata differs from the prepared call; nothing is broadcast', async () => {
    const { id, sigReq } = await submitToSigning(
      'token.mint',
      { asset, to: holder, amount: '9' },
      '60000',
    );
    const raw = await sign(sigReq, 1, { data: '0xdeadbeef' });
    await deliverSigned(id, raw, 1);
    const failed = await until(id, 'FAILED');
    expect(failed.subStatus).toBe('PAYLOAD_MISMATCH');
    expect(JSON.stringify(failed.error)).toContain('calldata');
    expect(eventsOf('keel.broadcast.requested.v1', id)).toHaveLength(0);
  });

  it('fails a request-controls rejection and an on-chain revert with their reasons', async () => {
    const rejectedId = uuidv7();
    await publish('keel.operation.rejected.v1', rejectedId, {
      operationId: rejectedId,
      error: { code: 'FORBIDDEN', message: 'missing role' },
      rejectedAt: new Date().toISOString(),
    });
    expect((await until(rejectedId, 'FAILED')).subStatus).toBe('REQUEST_REJECTED');

    const { id, sigReq } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '1' },
      '50000',
    );
    const raw = await sign(sigReq, 2);
    await deliverSigned(id, raw, 2);
    await next('keel.broadcast.requested.v1', id);
    await deliverReceipt(id, raw, {
      status: 'reverted',
      blockNumber: '20',
      revert: {
        selector: '0x12345678',
        reason: 'ComplianceModuleRejected(MaxBalanceModule, MaxBalanceExceeded(100))',
      },
    });
    const failed = await until(id, 'FAILED');
    expect(failed.subStatus).toBe('REVERTED');
    expect(failed.error?.reason).toContain('MaxBalanceExceeded');
  });

  it('never ends an operation whose bytes were sent on a refusal, a dropped hash or a dead letter: it waits, takes the replacement, and completes when mined', async () => {
    const { id, sigReq } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '1' },
      '50000',
    );
    const raw = await sign(sigReq, 7);
    await deliverSigned(id, raw, 7);
    await next('keel.broadcast.requested.v1', id);
    const word = (status: 'refused' | 'dropped', code: string, bytes: Hex = raw) =>
      publish('keel.receipt.v1', id, {
        operationId: id,
        transactionIndex: 0,
        chainId: CHAIN_ID,
        hash: keccak256(bytes),
        confirmations: 0,
        status,
        error: { code, message: code.toLowerCase(), retryable: status === 'refused' },
      });
    // The node refused the bytes for want of gas: they may still be mined once funded.
    await word('refused', 'INSUFFICIENT_GAS_FUNDS');
    await waitUntil('sub-status INSUFFICIENT_GAS_FUNDS', async () => {
      const v = await view(id);
      return v.status === 'BROADCASTING' && v.subStatus === 'INSUFFICIENT_GAS_FUNDS';
    });
    // A consumer on the path gave up on one of its events: the operation still waits.
    const notice = await publish('keel.message.dead-lettered.v1', id, {
      topic: 'keel.broadcast.requested.v1',
      group: 'chain-gateway',
      reason: 'retries-exhausted',
      error: 'Error: database down',
      attempts: 5,
      partition: 0,
      offset: '0',
      failedAt: new Date().toISOString(),
    });
    await waitUntil('announcement handled', () => inboxHas('execution-engine', notice.id));
    expect(await view(id)).toMatchObject({
      status: 'BROADCASTING',
      subStatus: 'MESSAGE_DEAD_LETTERED',
    });
    // Its nonce went to another transaction: the step waits for the signer's replacement.
    await word('dropped', 'NONCE_CONSUMED');
    await waitUntil('sub-status REPLACING_NONCE_CONSUMED', async () => {
      const v = await view(id);
      return v.status === 'BROADCASTING' && v.subStatus === 'REPLACING_NONCE_CONSUMED';
    });
    const replacement = await sign(sigReq, 8);
    await publish('keel.signature.result.v1', id, {
      outcome: 'signed',
      operationId: id,
      transactionIndex: 0,
      chainId: CHAIN_ID,
      signer: account.address,
      nonce: '8',
      rawTransaction: replacement,
      hash: keccak256(replacement),
      replaces: keccak256(raw),
    });
    await waitUntil('the replacement broadcast', async () =>
      eventsOf('keel.broadcast.requested.v1', id).some(
        (e) => e.payload.hash === keccak256(replacement),
      ),
    );
    // A late word about the old bytes changes nothing; a late stale failure neither.
    await word('refused', 'NONCE_GAP');
    await publish('keel.signature.result.v1', id, {
      outcome: 'failed',
      operationId: id,
      transactionIndex: 0,
      error: { code: 'SIGNING_FAILED', message: 'stale', retryable: false },
    });
    await deliverReceipt(id, replacement, {
      status: 'success',
      blockNumber: '30',
      gasUsed: '40000',
    });
    const done = await until(id, 'COMPLETED');
    expect(done.history.map((h) => h.status)).not.toContain('FAILED');
    expect(done.transactions?.[0]).toMatchObject({ hash: keccak256(replacement), status: 'mined' });
  });

  it("ends a broadcast operation FAILED only on the signer's word that the step's own bytes can never be mined", async () => {
    const { id, sigReq } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '1' },
      '50000',
    );
    const raw = await sign(sigReq, 9);
    await deliverSigned(id, raw, 9);
    await next('keel.broadcast.requested.v1', id);
    await publish('keel.signature.result.v1', id, {
      outcome: 'failed',
      operationId: id,
      transactionIndex: 0,
      error: {
        code: 'SIGNING_FAILED',
        message: 'No node can take the signed transaction: intrinsic gas too low',
        retryable: false,
        details: { cause: 'INVALID_TRANSACTION', hash: keccak256(raw), nonce: 9 },
      },
    });
    const failed = await until(id, 'FAILED');
    expect(failed.subStatus).toBe('SIGNING_FAILED');
    expect(failed.error?.details).toMatchObject({ cause: 'INVALID_TRANSACTION' });
  });

  it('resumes after SIGKILL: a signature delivered while the engine is down is applied once after restart', async () => {
    const { id, sigReq } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '3' },
      '50000',
    );
    expect((await view(id)).status).toBe('SIGNING');

    engine.kill('SIGKILL');
    await engine.exited;
    const raw = await sign(sigReq, 3);
    const signed = await deliverSigned(id, raw, 3);
    // The same event delivered twice (a producer retry): the inbox makes the copy a no-op.
    await bus.publishEvents([{ topic: 'keel.signature.result.v1', event: signed }]);

    engine = startEngine();
    await engineReady();
    const broadcast = await next('keel.broadcast.requested.v1', id);
    expect(broadcast.payload.hash).toBe(keccak256(raw));
    await deliverReceipt(id, raw, { status: 'success', blockNumber: '30' });
    const done = await until(id, 'COMPLETED');
    expect(done.history.filter((h) => h.status === 'BROADCASTING')).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(eventsOf('keel.broadcast.requested.v1', id)).toHaveLength(1);
  });
  it.each([
    ['nonce', { nonce: 41 }],
    ['to', { to: holder }],
    ['calldata', { data: '0xdeadbeef' }],
    ['chainId', { chainId: CHAIN_ID + 1 }],
    ['value', { value: 1n }],
    ['signer', { key: otherKey }],
  ] as const)(
    'refuses a signed payload with a tampered %s between signing and broadcast: PAYLOAD_MISMATCH, nothing broadcast',
    async (field, tamper) => {
      const { id, sigReq: req } = await submitToSigning(
        'token.mint',
        { asset, to: holder, amount: '11' },
        '60000',
      );
      const signer = privateKeyToAccount('key' in tamper ? tamper.key : accountKey);
      const raw = await signer.signTransaction({
        type: 'eip1559',
        chainId: 'chainId' in tamper ? tamper.chainId : req.payload.call.chainId,
        nonce: 'nonce' in tamper ? tamper.nonce : 40,
        to: 'to' in tamper ? tamper.to : (req.payload.call.to as Hex),
        data: 'data' in tamper ? tamper.data : (req.payload.call.data as Hex),
        value: 'value' in tamper ? tamper.value : BigInt(req.payload.call.value),
        gas: 100_000n,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
      });
      await deliverSigned(id, raw, 40);
      const failed = await until(id, 'FAILED');
      expect(failed.subStatus).toBe('PAYLOAD_MISMATCH');
      const mismatches = (failed.error?.details as { mismatches: { field: string }[] }).mismatches;
      expect(mismatches.map((m) => m.field)).toEqual([field]);
      expect(failed.transactions[0]).toMatchObject({ hash: null });
      await new Promise((r) => setTimeout(r, 300));
      expect(eventsOf('keel.broadcast.requested.v1', id)).toHaveLength(0);
    },
  );

  it('cancels an operation before SIGNING: CANCELLED, a late compliance pass is ignored, nothing is signed', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '4' });
    await next('keel.compliance.requested.v1', id);
    const res = await cancel(id);
    expect(res.status).toBe(200);
    const cancelled = (await res.json()) as OperationView;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', subStatus: 'CANCELLED_BY_REQUEST' });
    expect(cancelled.error).toMatchObject({
      code: 'CANCELLED',
      details: { requestedBy: 'apikey:k1', previousStatus: 'PREPARING' },
    });
    await passCompliance(id, '50000');
    // Cancelling again answers the same view.
    expect(((await (await cancel(id)).json()) as OperationView).status).toBe('CANCELLED');
    await waitUntil('CANCELLED status event', async () =>
      eventsOf('keel.operation.status.v1', id).some((e) => e.payload.status === 'CANCELLED'),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect((await view(id)).status).toBe('CANCELLED');
    expect(eventsOf('keel.signature.requested.v1', id)).toHaveLength(0);
  });

  it('cancels an operation waiting for custodian approval: CANCELLED, announced by its status event; a late signature is ignored and nothing is broadcast', async () => {
    const { id, sigReq } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '6' },
      '50000',
    );
    await publish('keel.signature.result.v1', id, {
      outcome: 'pending-approval',
      operationId: id,
      transactionIndex: 0,
      approvalId: 'approval-1',
    });
    await until(id, 'PENDING_APPROVAL');
    const res = await cancel(id);
    expect(res.status).toBe(200);
    const cancelled = (await res.json()) as OperationView;
    expect(cancelled).toMatchObject({ status: 'CANCELLED', subStatus: 'CANCELLED_BY_REQUEST' });
    expect(cancelled.error).toMatchObject({
      code: 'CANCELLED',
      details: { requestedBy: 'apikey:k1', previousStatus: 'PENDING_APPROVAL' },
    });
    // The CANCELLED status event is what key-guardian and the signer act on.
    const cancelledEvent = () =>
      eventsOf('keel.operation.status.v1', id).find((e) => e.payload.status === 'CANCELLED');
    await waitUntil('CANCELLED status event', async () => cancelledEvent() !== undefined);
    expect(cancelledEvent()!.payload).toMatchObject({ previousStatus: 'PENDING_APPROVAL' });
    // An approval settled just before the cancellation reached key-guardian: ignored.
    const signed = await deliverSigned(id, await sign(sigReq, 11), 11);
    await waitUntil('late signature handled', () => inboxHas('execution-engine', signed.id));
    expect((await view(id)).status).toBe('CANCELLED');
    expect(eventsOf('keel.broadcast.requested.v1', id)).toHaveLength(0);
  });

  it('refuses to cancel from SIGNING on with 409 OPERATION_NOT_CANCELLABLE; unknown or foreign ids are 404', async () => {
    const { id } = await submitToSigning(
      'token.transfer',
      { asset, to: holder, amount: '4' },
      '50000',
    );
    const refused = await cancel(id);
    expect(refused.status).toBe(409);
    const body = problemSchema.parse(await refused.json());
    expect(body.error).toMatchObject({
      category: 'conflict',
      retryable: false,
      details: { code: 'OPERATION_NOT_CANCELLABLE', status: 'SIGNING' },
    });
    expect(body.error.why).toContain('being signed');
    expect((await view(id)).status).toBe('SIGNING');
    expect((await cancel(uuidv7())).status).toBe(404);
    expect((await cancel(id, 'another-org')).status).toBe(404);
    expect((await cancel(id, org, { requestedBy: 7 })).status).toBe(422);
  });

  it('dead-letters an operation whose compliance simulation keeps failing on infrastructure after every retry', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '2' });
    // KEEL_COMPLIANCE_RETRIES is 2 here: three attempts in all, each answered "could not run".
    for (let attempt = 1; attempt <= 3; attempt++) {
      await next('keel.compliance.requested.v1', id, attempt);
      await publish('keel.compliance.result.v1', id, {
        operationId: id,
        transactionIndex: 0,
        allowed: false,
        modules: [],
        error: { code: 'RPC_UNAVAILABLE', message: 'upstream down', retryable: true },
      });
    }
    const dead = await until(id, 'DEAD_LETTER');
    expect(dead.subStatus).toBe('RETRIES_EXHAUSTED');
    expect(dead.error).toMatchObject({
      code: 'RETRIES_EXHAUSTED',
      details: { stage: 'PREPARING', attempts: 3, cause: 'RPC_UNAVAILABLE' },
    });
    expect(eventsOf('keel.compliance.requested.v1', id)).toHaveLength(3);
    expect(eventsOf('keel.signature.requested.v1', id)).toHaveLength(0);
  });
  it('ends DEAD_LETTER when a pipeline consumer dead-letters an event of the operation, naming topic, group and reason; once ended it is left alone', async () => {
    // Another service's consumer gives up on the signature request (rejected as poison).
    const signerPoisoned = uuidv7();
    poisoned.add(signerPoisoned);
    const id = await submitWithId(signerPoisoned, 'token.transfer', {
      asset,
      to: holder,
      amount: '3',
    });
    await next('keel.compliance.requested.v1', id);
    await passCompliance(id, '50000');
    const dead = await until(id, 'DEAD_LETTER');
    expect(dead).toMatchObject({ subStatus: 'MESSAGE_DEAD_LETTERED' });
    expect(dead.error).toMatchObject({
      code: 'MESSAGE_DEAD_LETTERED',
      details: {
        topic: 'keel.signature.requested.v1',
        group: 'transaction-signer',
        reason: 'rejected',
        stage: 'SIGNING',
      },
    });
    expect((dead.error!.details as Record<string, string>)['error']).toContain(
      'signer wallet is not configured',
    );

    // The engine's own consumer cannot decode a message of the operation (malformed).
    const other = await submit('token.transfer', { asset, to: holder, amount: '3' });
    await next('keel.compliance.requested.v1', other);
    const malformed = (eventId: string) =>
      bus.driver.send([
        {
          topic: 'keel.compliance.result.v1',
          key: other,
          value: '{"not": "an event"',
          headers: {
            [Headers.eventId]: eventId,
            [Headers.organizationId]: org,
            [Headers.correlationId]: other,
          },
        },
      ]);
    await malformed(uuidv7());
    const ended = await until(other, 'DEAD_LETTER');
    expect(ended.error).toMatchObject({
      details: {
        topic: 'keel.compliance.result.v1',
        group: 'execution-engine',
        reason: 'malformed',
      },
    });
    // Another dead letter of an operation that already ended changes nothing.
    const again = uuidv7();
    await malformed(again);
    const notice = () =>
      eventsOf('keel.message.dead-lettered.v1', other).find((e) => e.payload.eventId === again);
    await waitUntil('announcement of the second dead letter', async () => notice() !== undefined);
    await waitUntil('announcement handled', () => inboxHas('execution-engine', notice()!.id));
    const after = await view(other);
    expect(after.status).toBe('DEAD_LETTER');
    expect(after.history).toHaveLength(ended.history.length);
    expect(eventsOf('keel.signature.requested.v1', other)).toHaveLength(0);
  });

  it('leaves an operation alone when a consumer beside its path dead-letters one of its events (the signer giving up on a receipt)', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '2' });
    await next('keel.compliance.requested.v1', id);
    const notice = await publish('keel.message.dead-lettered.v1', id, {
      topic: 'keel.receipt.v1',
      group: 'transaction-signer',
      reason: 'retries-exhausted',
      error: 'Error: lane bookkeeping failed',
      attempts: 5,
      partition: 0,
      offset: '0',
      failedAt: new Date().toISOString(),
    });
    await waitUntil('announcement handled', () => inboxHas('execution-engine', notice.id));
    expect((await view(id)).status).toBe('PREPARING');
  });

  it('answers its internal API to Keel services only: no or a wrong internal token is a 401 problem', async () => {
    const id = await submit('token.transfer', { asset, to: holder, amount: '1' });
    await until(id, 'PREPARING');
    const url = `http://127.0.0.1:${port}/internal/v1/operations/${id}?organizationId=${org}`;
    const attempts: Record<string, string>[] = [{}, { 'x-keel-internal-token': 'x'.repeat(40) }];
    for (const headers of attempts) {
      const res = await fetch(url, { headers });
      expect(res.status).toBe(401);
      expect(problemSchema.parse(await res.json()).error).toMatchObject({
        category: 'authentication',
        status: 401,
      });
    }
    const cancelled = await fetch(`http://127.0.0.1:${port}/internal/v1/operations/${id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: org, requestedBy: 'apikey:intruder' }),
    });
    expect(cancelled.status).toBe(401);
    expect((await view(id)).status).toBe('PREPARING');
  });
});
