import { Kafka, logLevel, type Consumer, type EachMessagePayload } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaMock, type KafkaMockHandle } from './kafka';
import { waitUntil } from './processes';

describe('librdkafka mock cluster via kcat', () => {
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
      { timeoutMs: 60_000 },
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
  });
});
