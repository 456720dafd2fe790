import { provisionedTopics } from '@keel/events';
import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  canRunApacheKafka,
  startApacheKafka,
  startKafkaMock,
  startTestKafka,
  type KafkaMockHandle,
  type TestKafka,
} from './kafka';
import { waitUntil } from './processes';
import { which } from './which';

const quiet = { logLevel: logLevel.NOTHING } as const;

describe('the Kafka a suite gets (startTestKafka)', () => {
  let kafka: TestKafka;
  let startupMs = 0;

  beforeAll(async () => {
    const t0 = Date.now();
    kafka = await startTestKafka();
    startupMs = Date.now() - t0;
    // Read in CI's log: the cost every Kafka suite pays once.
    process.stdout.write(`kafka (${kafka.kind}) ready with catalog topics in ${startupMs} ms\n`);
  });

  afterAll(async () => {
    await kafka?.stop();
  });

  it('is the real broker when java and mvn are here, and never the mock under CI', () => {
    if (process.env['KEEL_TEST_KAFKA_BROKERS']) expect(kafka.kind).toBe('external');
    else if (canRunApacheKafka()) expect(kafka.kind).toBe('apache');
    if (process.env['CI'] === 'true') expect(kafka.kind).not.toBe('mock');
  });

  it('carries every catalog topic as the catalog sizes it', async (ctx) => {
    if (kafka.kind === 'mock') ctx.skip();
    const admin = new Kafka({ clientId: 'spec', brokers: [...kafka.brokers], ...quiet }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({
        topics: provisionedTopics.map((t) => t.name),
      });
      const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
      for (const t of provisionedTopics)
        expect(partitions.get(t.name), t.name).toBe(t.sizing.partitions);
      const first = provisionedTopics[0]!;
      const [config] = (
        await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: 2, name: first.name, configNames: ['retention.ms'] }],
        })
      ).resources;
      expect(config?.configEntries[0]?.configValue).toBe(String(first.sizing.retentionMs));
    } finally {
      await admin.disconnect();
    }
  });

  it('runs the idempotent producer with acks=all', async (ctx) => {
    if (kafka.kind === 'mock') ctx.skip();
    const client = new Kafka({ clientId: 'spec', brokers: [...kafka.brokers], ...quiet });
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 5 });
    await producer.connect();
    const [res] = await producer.send({
      topic: provisionedTopics[0]!.name,
      acks: -1,
      messages: [{ key: 'k', value: 'v' }],
    });
    expect(res?.errorCode).toBe(0);
    await producer.disconnect();
  });
});

describe.runIf(canRunApacheKafka())('a 3-node Apache Kafka cluster (KRaft)', () => {
  it('starts with replication factor 3 and min ISR 2, and round-trips with acks=all', async () => {
    const cluster = await startApacheKafka({ nodes: 3 });
    process.stdout.write(`3-node kafka cluster ready in ${cluster.startupMs} ms\n`);
    const client = new Kafka({ clientId: 'spec', brokers: [...cluster.brokers], ...quiet });
    const admin = client.admin();
    const producer = client.producer({ idempotent: true });
    const consumer = client.consumer({ groupId: 'three-nodes', sessionTimeout: 6_000 });
    try {
      await admin.connect();
      expect((await admin.describeCluster()).brokers).toHaveLength(3);
      const topic = 'harness.three-nodes';
      await admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 3,
            replicationFactor: 3,
            configEntries: [{ name: 'min.insync.replicas', value: '2' }],
          },
        ],
      });
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      for (const p of topics[0]!.partitions) expect(p.replicas).toHaveLength(3);
      await producer.connect();
      const values = Array.from({ length: 30 }, (_, i) => `v-${i}`);
      await producer.send({ topic, acks: -1, messages: values.map((v) => ({ key: v, value: v })) });
      const seen = new Set<string>();
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value!.toString());
        },
      });
      await waitUntil('all consumed', async () => values.every((v) => seen.has(v)), {
        timeoutMs: 60_000,
      });
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.disconnect();
      await cluster.stop();
    }
  });
});

describe.runIf(which('kcat') !== undefined)(
  'librdkafka mock cluster via kcat (the fallback)',
  () => {
    let cluster: KafkaMockHandle;
    const consumers: Consumer[] = [];

    beforeAll(async () => {
      cluster = await startKafkaMock({ brokers: 3 });
    });

    afterAll(async () => {
      await Promise.allSettled(consumers.map((c) => c.disconnect()));
      await cluster?.stop();
    });

    it('parses the bootstrap servers of every broker', () => {
      expect(cluster.brokers).toHaveLength(3);
      for (const b of cluster.brokers) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
    });

    it('round-trips through a two-member consumer group, and a survivor takes over a leaver', async () => {
      const kafka = new Kafka({
        clientId: 'harness-test',
        brokers: [...cluster.brokers],
        logLevel: logLevel.NOTHING,
      });
      const topic = `harness.roundtrip.${Date.now()}`;
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      // Creates the topic (auto-created with 4 partitions by the mock).
      await producer.send({ topic, messages: [{ key: 'warmup', value: 'warmup' }] });

      const seen = new Map<string, Set<string>>(); // member -> values
      const partitionsOf = new Map<string, number[]>(); // member -> current assignment
      const makeMember = async (name: string): Promise<Consumer> => {
        const consumer = kafka.consumer({
          groupId: 'harness-group',
          sessionTimeout: 6_000,
          heartbeatInterval: 500,
          rebalanceTimeout: 6_000,
        });
        consumers.push(consumer);
        seen.set(name, new Set());
        partitionsOf.set(name, []);
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          partitionsOf.set(name, e.payload.memberAssignment[topic] ?? []);
        });
        await consumer.connect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }: EachMessagePayload) => {
            seen.get(name)!.add(message.value!.toString());
          },
        });
        return consumer;
      };

      const a = await makeMember('a');
      await makeMember('b');
      // Wait for the group to settle: the 4 partitions split between both members.
      await waitUntil(
        'group assignment',
        async () =>
          partitionsOf.get('a')!.length > 0 &&
          partitionsOf.get('b')!.length > 0 &&
          partitionsOf.get('a')!.length + partitionsOf.get('b')!.length === 4,
        // The mock's first rebalance of a new group varies widely here (28 s, 38 s, once > 60 s).
        { timeoutMs: 150_000 },
      );

      const first = Array.from({ length: 40 }, (_, i) => `m-${i}`);
      // Keys spread messages over all partitions.
      await producer.send({ topic, messages: first.map((v) => ({ key: v, value: v })) });
      const union = (): Set<string> => new Set([...seen.get('a')!, ...seen.get('b')!]);
      await waitUntil('both members consume', async () => first.every((v) => union().has(v)), {
        timeoutMs: 60_000,
      });
      // With two members each partition belongs to exactly one of them.
      expect(seen.get('a')!.size).toBeGreaterThan(0);
      expect(seen.get('b')!.size).toBeGreaterThan(0);

      // Member a leaves; b must take over every partition.
      await a.disconnect();
      consumers.splice(consumers.indexOf(a), 1);
      await waitUntil('takeover', async () => partitionsOf.get('b')!.length === 4, {
        timeoutMs: 60_000,
      });
      const second = Array.from({ length: 40 }, (_, i) => `n-${i}`);
      await producer.send({ topic, messages: second.map((v) => ({ key: v, value: v })) });
      await waitUntil(
        'survivor consumes every partition',
        async () => second.every((v) => seen.get('b')!.has(v)),
        { timeoutMs: 60_000 },
      );
      await producer.disconnect();
    }, 300_000);
  },
);
