import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { startTestKafka, type TestKafka, waitUntil } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBusContract } from '../test-support/bus-contract';
import { KafkaBusDriver } from './kafka-driver';

runBusContract('kafka driver', async () => {
  const kafka: TestKafka = await startTestKafka();
  let n = 0;
  return {
    newDriver: (options = {}) =>
      new KafkaBusDriver({
        ...options,
        brokers: kafka.brokers,
        clientId: `contract-${++n}`,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 3_000,
      }),
    settleMs: 20_000,
    teardown: () => kafka.stop(),
  };
});

describe('kafka driver: concurrency inside a partition and grouped sends', () => {
  let kafka: TestKafka;
  const drivers: KafkaBusDriver[] = [];
  const newDriver = (
    extra: Partial<ConstructorParameters<typeof KafkaBusDriver>[0]> = {},
  ): KafkaBusDriver => {
    const d = new KafkaBusDriver({
      brokers: kafka.brokers,
      clientId: `concurrency-${drivers.length}`,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 3_000,
      ...extra,
    });
    drivers.push(d);
    return d;
  };
  const record = (topic: string, key: string, value: string) => ({
    topic,
    key,
    value,
    headers: {},
  });

  beforeAll(async () => {
    kafka = await startTestKafka();
  }, 60_000);
  afterAll(async () => {
    for (const d of drivers) await d.close();
    await kafka.stop();
  });

  it('keeps no timer loop running on its idle broker connections (kafkajs 2.2.4 ran one per connection, every 1 ms)', async () => {
    const RequestQueue = createRequire(__filename)('kafkajs/src/network/requestQueue') as {
      prototype: { checkPendingRequests: (this: unknown) => void };
    };
    const driver = newDriver();
    const topic = `idle-${randomUUID()}`;
    await driver.send([record(topic, 'k', 'wake the producer')]);
    const consumer = await driver.consume({
      group: `idle-${randomUUID()}`,
      topics: [topic],
      handle: async () => {},
    });
    await consumer.ready;
    const original = RequestQueue.prototype.checkPendingRequests;
    let checks = 0;
    RequestQueue.prototype.checkPendingRequests = function counted(this: unknown) {
      checks++;
      original.call(this);
    };
    try {
      await new Promise((r) => setTimeout(r, 2_000));
    } finally {
      RequestQueue.prototype.checkPendingRequests = original;
    }
    // What is left: one check per answered request (long-poll fetches every 100 ms, heartbeats,
    // offset commits), tens per second. The loop made it about a thousand per connection.
    expect(checks).toBeLessThan(300);
    await consumer.stop();
  });

  it('handles other keys of a partition while one key is busy, each key in order, each message once', async () => {
    const topic = `keys-${randomUUID()}`;
    // One partition at a time: any message handled while `slow-0` is held comes from its own batch.
    const driver = newDriver({ partitionsConsumedConcurrently: 1, keysConsumedConcurrently: 8 });
    const records = [
      ...Array.from({ length: 5 }, (_, i) => record(topic, 'slow', `slow-${i}`)),
      ...Array.from({ length: 40 }, (_, k) => [
        record(topic, `k${k}`, `k${k}-0`),
        record(topic, `k${k}`, `k${k}-1`),
      ]).flat(),
    ];
    await driver.send(records);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let slowStarted = false;
    let othersWhileHeld = 0;
    const handled: { key: string | null; value: string | null }[] = [];
    const consumer = await driver.consume({
      group: `g-${randomUUID()}`,
      topics: [topic],
      handle: async (m) => {
        if (m.value === 'slow-0') {
          slowStarted = true;
          await held;
        } else if (slowStarted && handled.every((h) => h.value !== 'slow-0')) othersWhileHeld++;
        handled.push({ key: m.key, value: m.value });
      },
    });
    try {
      await waitUntil('slow-0 started', () => Promise.resolve(slowStarted), { timeoutMs: 30_000 });
      await waitUntil('another key handled while slow-0 is held', () =>
        Promise.resolve(othersWhileHeld > 0),
      );
      expect(handled.some((h) => h.key === 'slow')).toBe(false);
      release();
      await waitUntil('all handled', () => Promise.resolve(handled.length >= records.length));
      await new Promise((r) => setTimeout(r, 500));
      expect(handled).toHaveLength(records.length);
      const byKey = new Map<string, string[]>();
      for (const h of handled) byKey.set(h.key!, [...(byKey.get(h.key!) ?? []), h.value!]);
      for (const [key, values] of byKey) {
        const expected = records.filter((r) => r.key === key).map((r) => r.value);
        expect(values, key).toEqual(expected);
      }
    } finally {
      release();
      await consumer.stop();
    }
  }, 90_000);

  it('groups concurrent sends into shared requests and keeps their call order per key', async () => {
    const topic = `grouped-${randomUUID()}`;
    const driver = newDriver();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => driver.send([record(topic, 'same', String(i))])),
    );
    const seen: string[] = [];
    const consumer = await driver.consume({
      group: `g-${randomUUID()}`,
      topics: [topic],
      handle: (m) => {
        seen.push(m.value!);
        return Promise.resolve();
      },
    });
    try {
      await waitUntil('all consumed', () => Promise.resolve(seen.length >= 60), {
        timeoutMs: 30_000,
      });
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
    } finally {
      await consumer.stop();
    }
  }, 60_000);
});
