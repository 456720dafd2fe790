import { randomBytes } from 'node:crypto';
import {
  INGRESS_STATUS_TOPIC,
  INGRESS_TOPIC,
  type IngressStatus,
  signIngressMessage,
} from '@keel/ingress-client';
import { waitUntil } from '@keel/testing';
import { type Consumer, Kafka, logLevel, type Producer } from 'kafkajs';
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

// An upstream system (a core-banking producer) talks to Keel only through Kafka: it
// produces signed operations to the ingress topic with a plain Kafka client and reads
// their outcome from the status topic by its own correlation id. All seven services run
// as processes over the Kafka mock cluster, against anvil and PostgreSQL.
let stack: E2eStack;
let token: Address;
let producerKey: string;
let producer: Producer;
let statusReader: Consumer;
const statuses: { key: string; answer: IngressStatus }[] = [];

const balanceOf = (who: Address): Promise<bigint> =>
  stack.client.readContract({
    address: token,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });

async function answers(correlationId: string, until: (a: IngressStatus) => boolean) {
  await waitUntil(
    `status answer for ${correlationId}`,
    async () => statuses.some((s) => s.key === correlationId && until(s.answer)),
    { timeoutMs: 120_000, intervalMs: 200 },
  ).catch((err: unknown) => {
    const seen = statuses.filter((s) => s.key === correlationId).map((s) => s.answer);
    throw new Error(`${(err as Error).message}; seen: ${JSON.stringify(seen)}`);
  });
  return statuses.filter((s) => s.key === correlationId).map((s) => s.answer);
}

beforeAll(async () => {
  stack = await startE2eStack({ prefix: 'e2e_ingress', env: SPEC_POLLING });
  token = (await stack.keel.createToken('e2e-ingress', [])).address;
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), stack.signerWallet]);

  // The upstream system's API key: issued over HTTP like any other, shown once.
  const res = await fetch(`${stack.gatewayUrl}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
    body: JSON.stringify({
      name: 'core banking',
      scope: 'read-write',
      roles: ['supply-manager'],
    }),
  });
  const created = (await res.json()) as { key: string };
  expect(res.status, JSON.stringify(created)).toBe(201);
  producerKey = created.key;

  const kafka = new Kafka({
    clientId: 'core-banking',
    brokers: [...stack.kafka.brokers],
    logLevel: logLevel.NOTHING,
  });
  producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  await producer.connect();
  statusReader = kafka.consumer({
    groupId: 'core-banking-status',
    sessionTimeout: 6_000,
    rebalanceTimeout: 3_000,
  });
  await statusReader.connect();
  await statusReader.subscribe({ topic: INGRESS_STATUS_TOPIC, fromBeginning: true });
  const joined = new Promise<void>((resolve) => {
    statusReader.on(statusReader.events.GROUP_JOIN, () => resolve());
  });
  await statusReader.run({
    eachMessage: async ({ message }) => {
      const envelope = JSON.parse(message.value?.toString('utf8') ?? '{}') as {
        payload: IngressStatus;
      };
      statuses.push({ key: message.key?.toString('utf8') ?? '', answer: envelope.payload });
    },
  });
  await joined;
}, 600_000);

afterAll(async () => {
  await statusReader?.disconnect();
  await producer?.disconnect();
  await stack?.stop();
});

describe('Kafka ingress end to end', () => {
  it('mints through the ingress topic and reports COMPLETED under the producer correlation id; a forged message mints nothing', async () => {
    const alice = stack.alice.address;
    const before = await balanceOf(alice);

    // A forged message: the producer's key id, but a secret it never had.
    const keyId = /^keel_([0-9a-z]+)_/.exec(producerKey)![1]!;
    const forgedId = `cb-forged-${randomBytes(4).toString('hex')}`;
    const forged = signIngressMessage(`keel_${keyId}_${'x'.repeat(43)}`, {
      organizationId: ORG,
      correlationId: forgedId,
      request: {
        type: 'token.mint',
        params: { asset: token, to: alice, amount: '999' },
        signer: stack.signerWallet,
      },
    });
    const correlationId = `cb-payment-${randomBytes(4).toString('hex')}`;
    const genuine = signIngressMessage(producerKey, {
      organizationId: ORG,
      correlationId,
      request: {
        type: 'token.mint',
        params: { asset: token, to: alice, amount: '250' },
        signer: stack.signerWallet,
      },
    });
    await producer.send({
      topic: INGRESS_TOPIC,
      messages: [forged, genuine].map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
    });

    const refused = await answers(forgedId, (a) => a.outcome === 'rejected');
    expect(refused).toHaveLength(1);
    expect(refused[0]!.error).toMatchObject({ code: 'UNAUTHENTICATED', retryable: false });

    const trail = await answers(correlationId, (a) => a.status === 'COMPLETED');
    expect(trail[0]).toMatchObject({ outcome: 'accepted', messageId: genuine.messageId });
    const operationId = trail[0]!.operationId!;
    const completed = trail.find((a) => a.status === 'COMPLETED')!;
    expect(completed).toMatchObject({ outcome: 'status', operationId });
    // Every answer names the same operation, and the lifecycle went through signing and broadcast.
    expect(new Set(trail.map((a) => a.operationId))).toEqual(new Set([operationId]));
    const seen = trail.map((a) => a.status);
    for (const s of ['SIGNING', 'BROADCASTING', 'CONFIRMING', 'COMPLETED'])
      expect(seen).toContain(s);

    // The gateway shows the same operation to the organization's admin, mined.
    const view = await stack.terminal(operationId);
    expect(view.status).toBe('COMPLETED');
    const receipt = await stack.client.getTransactionReceipt({
      hash: view.transactions[0]!.hash as `0x${string}`,
    });
    expect(receipt.status).toBe('success');

    // Exactly the genuine amount was minted; the forged one never ran.
    expect(await balanceOf(alice)).toBe(before + 250n);
    expect(statuses.filter((s) => s.key === forgedId).map((s) => s.answer.outcome)).toEqual([
      'rejected',
    ]);
  });
});
