import { randomUUID } from 'node:crypto';
import {
  EventBus,
  KafkaBusDriver,
  listDeadLetters,
  NonRetryableError,
  type Subscription,
} from '@keel/bus';
import { createEvent, type KeelEvent, workTopicSizing } from '@keel/events';
import {
  createTestDatabase,
  type TestKafka,
  type ManagedProcess,
  startTestKafka,
  startProcess,
  type TestDatabaseHandle,
} from '@keel/testing';
import { Partitioners } from 'kafkajs';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource, openDataSource, SynchronizeRefusedError } from './data-source';
import { closeWith, inlineStatement } from './fused-statements';
import { inboxContains, withInbox } from './inbox';
import { enqueueEvents, OutboxOutsideTransactionError, TransactionOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import {
  acceptedPayload,
  CreateTestEffects1795300000001,
  effectHandler,
  ORG,
  TOPIC,
} from './test-support/fixtures';

const CONSUMER = 'libs/persistence/src/test-support/consumer-process.ts';
const RELAY = 'libs/persistence/src/test-support/relay-process.ts';

/** The consume context of one delivery of a TOPIC event, as the bus hands it to a handler. */
const deliveryOf = (group: string, partition: number, offset: string) => ({
  topic: TOPIC,
  group,
  partition,
  offset,
  key: null,
  attempt: 1,
  headers: {},
  traceparent: null,
  traceContext: undefined as never,
});

async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The partition the producer puts a key on (kafkajs' default partitioner, Java's murmur2). */
const partitionOf = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: workTopicSizing.partitions }, (_, i) => ({
    partitionId: i,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return (key: string): number =>
    partitioner({ topic: TOPIC, partitionMetadata, message: { key, value: null } });
})();

/** `n` operation ids (the topic's key) that all land on one partition of TOPIC. */
function opsOnOnePartition(n: number, prefix: string): { ops: string[]; partition: number } {
  const ops: string[] = [];
  let partition: number | undefined;
  while (ops.length < n) {
    const op = `${prefix}-${randomUUID().slice(0, 8)}`;
    partition ??= partitionOf(op);
    if (partitionOf(op) === partition) ops.push(op);
  }
  return { ops, partition: partition! };
}

describe('persistence: outbox, relay and inbox against PostgreSQL and Kafka', () => {
  let db: TestDatabaseHandle;
  let kafka: TestKafka;
  let ds: DataSource;
  const processes: ManagedProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  const kafkaDriver = (clientId: string) =>
    new KafkaBusDriver({
      brokers: kafka.brokers,
      clientId,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 3_000,
    });

  const spawn = (entry: string, env: Record<string, string>, name: string): ManagedProcess => {
    const p = startProcess({
      entry,
      name,
      env: { KEEL_DATABASE_URL: db.url, KEEL_KAFKA_BROKERS: kafka.bootstrapServers, ...env },
    });
    processes.push(p);
    return p;
  };

  const startRelay = (name: string): OutboxRelay => {
    const bus = new EventBus(kafkaDriver(name));
    const relay = new OutboxRelay({ dataSource: ds, publisher: bus });
    relay.start();
    cleanups.push(async () => {
      await relay.stop();
      await bus.close();
    });
    return relay;
  };

  /** Writes events for one operation each (or for given operation ids), each in its own transaction. */
  const writeEvents = async (
    operationIds: readonly string[],
    seq = 0,
  ): Promise<KeelEvent<typeof TOPIC>[]> => {
    const out: KeelEvent<typeof TOPIC>[] = [];
    for (const op of operationIds) {
      await ds.transaction(async (manager) => {
        const outbox = new TransactionOutbox(manager, { organizationId: ORG, correlationId: op });
        out.push(await outbox.publish(TOPIC, acceptedPayload(op, seq)));
      });
    }
    return out;
  };

  /** Of these events, how many the relay has not sent yet. */
  const unsent = async (events: readonly KeelEvent<typeof TOPIC>[]) =>
    (
      await ds.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM keel_outbox WHERE event_id = ANY($1::uuid[]) AND sent_at IS NULL`,
        [events.map((e) => e.id)],
      )
    )[0]!.n;

  const effectsOf = async (eventIds: readonly string[], consumerPrefix: string) =>
    await ds.query<{ event_id: string; n: number }[]>(
      `SELECT event_id, count(*)::int AS n FROM test_effects
       WHERE event_id = ANY($1::uuid[]) AND consumer LIKE $2 GROUP BY event_id`,
      [eventIds, `${consumerPrefix}%`],
    );

  beforeAll(async () => {
    [db, kafka] = await Promise.all([
      createTestDatabase({ prefix: 'persistence' }),
      startTestKafka(),
    ]);
    ds = await openDataSource({ url: db.url, migrations: [CreateTestEffects1795300000001] });
  });

  afterEach(async () => {
    for (const p of processes.splice(0)) p.kill('SIGKILL');
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  afterAll(async () => {
    await ds?.destroy();
    await kafka?.stop();
    await db?.drop();
  });

  it('runs migrations once, refuses synchronize outside tests and outbox writes outside a transaction', async () => {
    const applied = await ds.query<{ name: string }[]>(
      `SELECT name FROM keel_migrations ORDER BY id`,
    );
    expect(applied.map((m) => m.name)).toEqual([
      'CreateOutboxAndInbox1795300000000',
      'CreateTestEffects1795300000001',
    ]);
    // A second instance starting on a migrated database is a no-op.
    const again = await openDataSource({
      url: db.url,
      migrations: [CreateTestEffects1795300000001],
    });
    await again.destroy();
    const prev = process.env['NODE_ENV'];
    process.env['NODE_ENV'] = 'production';
    try {
      expect(() => createDataSource({ url: db.url, synchronize: true })).toThrow(
        SynchronizeRefusedError,
      );
    } finally {
      process.env['NODE_ENV'] = prev;
    }
    const event = createEvent(TOPIC, acceptedPayload('op-x', 0), {
      organizationId: ORG,
      correlationId: 'op-x',
    });
    await expect(enqueueEvents(ds.manager, [{ topic: TOPIC, event }])).rejects.toBeInstanceOf(
      OutboxOutsideTransactionError,
    );
  });

  it('commits the state change and its events together, or neither', async () => {
    const op = `op-${randomUUID()}`;
    await expect(
      ds.transaction(async (manager) => {
        await manager.query(
          `INSERT INTO test_effects (event_id, operation_id, seq, consumer) VALUES ($1, $2, 0, 'writer')`,
          [randomUUID(), op],
        );
        await new TransactionOutbox(manager, { organizationId: ORG, correlationId: op }).publish(
          TOPIC,
          acceptedPayload(op, 0),
        );
        throw new Error('business rule failed after the writes');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await ds.query(`SELECT 1 FROM test_effects WHERE operation_id = $1`, [op])).toHaveLength(
      0,
    );
    expect(await ds.query(`SELECT 1 FROM keel_outbox WHERE partition_key = $1`, [op])).toHaveLength(
      0,
    );
    // A payload failing its schema is refused at the producer, inside the transaction.
    await expect(
      ds.transaction((manager) =>
        new TransactionOutbox(manager, { organizationId: ORG, correlationId: op }).publish(TOPIC, {
          operationId: op,
        } as never),
      ),
    ).rejects.toThrow(/invalid payload/);
  });

  it("writes a transaction's events before its COMMIT; a rolled-back savepoint drops only its own", async () => {
    const op = `op-${randomUUID()}`;
    await ds.transaction(async (manager) => {
      const outbox = new TransactionOutbox(manager, { organizationId: ORG, correlationId: op });
      await outbox.publish(TOPIC, acceptedPayload(op, 0));
      await expect(
        manager.transaction(async (inner) => {
          await new TransactionOutbox(inner, { organizationId: ORG, correlationId: op }).publish(
            TOPIC,
            acceptedPayload(op, 1),
          );
          throw new Error('inner step failed');
        }),
      ).rejects.toThrow('inner step failed');
      await outbox.publish(TOPIC, acceptedPayload(op, 2));
      // The savepoint wrote the events before it (seq 0); seq 2 waits for the COMMIT.
      expect(
        await manager.query(`SELECT 1 FROM keel_outbox WHERE partition_key = $1`, [op]),
      ).toHaveLength(1);
    });
    const rows = await ds.query<{ seq: number }[]>(
      `SELECT (event->'payload'->'params'->>'seq')::int AS seq FROM keel_outbox WHERE partition_key = $1 ORDER BY id`,
      [op],
    );
    expect(rows.map((r) => r.seq)).toEqual([0, 2]);
  });

  it('makes a duplicate delivery a no-op, also when two deliveries race', async () => {
    const [event] = await writeEvents([`op-${randomUUID()}`]);
    const handler = withInbox(ds, effectHandler('race'));
    const ctx = deliveryOf('race-group', 0, '0');
    await Promise.all([handler(event!, ctx), handler(event!, ctx), handler(event!, ctx)]);
    await handler(event!, ctx);
    expect(await effectsOf([event!.id], 'race')).toEqual([{ event_id: event!.id, n: 1 }]);
    const caused = await ds.query<unknown[]>(
      `SELECT event->>'causationId' AS causation FROM keel_outbox WHERE event->>'causationId' = $1`,
      [event!.id],
    );
    expect(caused).toHaveLength(1);
  });

  it('sends an inbox transaction in three messages: START with the inbox row, the effect, the outbox rows with COMMIT', async () => {
    const [event] = await writeEvents([`op-${randomUUID()}`]);
    const handler = withInbox(ds, effectHandler('fused'));
    const ctx = deliveryOf('fused-group', 1, '7');
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0];
      sent.push(typeof q === 'string' ? q : String((q as { text?: string }).text));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await handler(event!, ctx);
      expect(sent).toHaveLength(3);
      expect(sent[0]).toMatch(/^START TRANSACTION; INSERT INTO keel_inbox/);
      expect(sent[1]).toMatch(/^INSERT INTO test_effects/);
      expect(sent[2]).toMatch(/INSERT INTO keel_outbox[\s\S]*; COMMIT$/);
      // A duplicate finds its inbox row: START with the row, then COMMIT, nothing else.
      sent.length = 0;
      await handler(event!, ctx);
      expect(sent).toEqual([expect.stringMatching(/^START TRANSACTION; INSERT/), 'COMMIT']);
    } finally {
      pg.Client.prototype.query = original;
    }
    expect(await effectsOf([event!.id], 'fused')).toEqual([{ event_id: event!.id, n: 1 }]);
    const [inbox] = await ds.query<{ partition_no: number; offset_no: string }[]>(
      `SELECT partition_no, offset_no FROM keel_inbox WHERE consumer_group = 'fused-group' AND event_id = $1`,
      [event!.id],
    );
    expect(inbox).toEqual({ partition_no: 1, offset_no: '7' });
    // The caused event, written as literals, reads back exactly as published.
    const [caused] = await ds.query<{ event: { payload: { operationId: string } } }[]>(
      `SELECT event FROM keel_outbox WHERE event->>'causationId' = $1`,
      [event!.id],
    );
    expect(caused!.event.payload.operationId).toBe(event!.payload.operationId);
  });

  it('defers writes to the end of their level: in order at COMMIT, before a savepoint, forgotten by a rollback', async () => {
    const op = `op-deferred-${randomUUID().slice(0, 6)}`;
    const write = (seq: number) =>
      inlineStatement(
        `INSERT INTO test_effects (event_id, operation_id, seq, consumer) VALUES ($1, $2, $3, 'deferred')`,
        [randomUUID(), op, seq],
      );
    const seqs = async () =>
      (
        await ds.query<{ seq: number }[]>(
          `SELECT seq FROM test_effects WHERE operation_id = $1 ORDER BY id`,
          [op],
        )
      ).map((r) => r.seq);
    await ds.transaction(async (manager) => {
      closeWith(manager.queryRunner!, write(1));
      closeWith(manager.queryRunner!, write(2));
      // Nothing has been sent yet.
      expect(
        await manager.query(`SELECT 1 FROM test_effects WHERE operation_id = $1`, [op]),
      ).toHaveLength(0);
      await expect(
        manager.transaction(async (inner) => {
          closeWith(inner.queryRunner!, write(3));
          throw new Error('inner step failed');
        }),
      ).rejects.toThrow('inner step failed');
      // The outer level's writes went before the savepoint, so its rollback kept them.
      expect(
        await manager.query(`SELECT 1 FROM test_effects WHERE operation_id = $1`, [op]),
      ).toHaveLength(2);
      await manager.transaction(async (inner) => {
        closeWith(inner.queryRunner!, write(4));
      });
      closeWith(manager.queryRunner!, write(5));
    });
    expect(await seqs()).toEqual([1, 2, 4, 5]);
    await expect(
      ds.transaction(async (manager) => {
        closeWith(manager.queryRunner!, write(6));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // The same runner is not reused, but a fresh transaction must not inherit anything either.
    await ds.transaction(async (manager) => {
      closeWith(manager.queryRunner!, write(7));
    });
    expect(await seqs()).toEqual([1, 2, 4, 5, 7]);
  });

  it('keeps every character of a value written as a literal', async () => {
    const tricky = [
      "quote ' and '' two",
      'back\\slash \\n not a newline, \\x00',
      'real newline\n and tab\t',
      'unicode ü € 😀 and a $1 placeholder-looking text',
      JSON.stringify({ s: 'a"b\\c\'d', n: [1, 2], nested: { emoji: '😀' } }),
    ];
    const op = `op-literal-${randomUUID().slice(0, 6)}`;
    await ds.transaction(async (manager) => {
      const outbox = new TransactionOutbox(manager, { organizationId: ORG, correlationId: op });
      for (const [i, text] of tricky.entries())
        await outbox.publish(TOPIC, { ...acceptedPayload(op, i), params: { seq: i, text } });
    });
    const rows = await ds.query<{ text: string }[]>(
      `SELECT event->'payload'->'params'->>'text' AS text FROM keel_outbox WHERE partition_key = $1 ORDER BY id`,
      [op],
    );
    expect(rows.map((r) => r.text)).toEqual(tricky);
  });

  it('rolls back the state, the inbox row and the events when the outbox rows fail with the COMMIT', async () => {
    const op = `op-poison-${randomUUID().slice(0, 6)}`;
    const [event] = await writeEvents([op]);
    const handler = withInbox(ds, effectHandler('poison'));
    const ctx = deliveryOf('poison-group', 0, '1');
    await ds.query(
      `ALTER TABLE keel_outbox ADD CONSTRAINT test_no_poison
       CHECK (topic <> 'keel.operation.status.v1' OR event->'payload'->>'operationId' <> '${op}') NOT VALID`,
    );
    try {
      await expect(handler(event!, ctx)).rejects.toThrow(/test_no_poison/);
    } finally {
      await ds.query(`ALTER TABLE keel_outbox DROP CONSTRAINT test_no_poison`);
    }
    expect(await effectsOf([event!.id], 'poison')).toEqual([]);
    expect(
      await ds.query(`SELECT 1 FROM keel_inbox WHERE consumer_group = 'poison-group'`),
    ).toHaveLength(0);
    // Redelivered once the cause is gone, it takes effect exactly once.
    await handler(event!, ctx);
    await handler(event!, ctx);
    expect(await effectsOf([event!.id], 'poison')).toEqual([{ event_id: event!.id, n: 1 }]);
  });

  it('keeps events pending, with the failure recorded, while publishing fails', async () => {
    const op = `op-fail-${randomUUID().slice(0, 6)}`;
    const [event] = await writeEvents([op]);
    const failing = new OutboxRelay({
      dataSource: ds,
      publisher: { publishEvents: () => Promise.reject(new Error('broker unreachable')) },
    });
    await expect(failing.relayOnce()).rejects.toThrow('broker unreachable');
    const row = await ds.query<{ attempts: number; last_error: string; sent_at: Date | null }[]>(
      `SELECT attempts, last_error, sent_at FROM keel_outbox WHERE event_id = $1`,
      [event!.id],
    );
    expect(row[0]).toMatchObject({ attempts: 1, sent_at: null });
    expect(row[0]!.last_error).toContain('broker unreachable');
    const published: string[] = [];
    const ok = new OutboxRelay({
      dataSource: ds,
      publisher: {
        publishEvents: (items) => {
          published.push(...items.map((i) => i.event.id));
          return Promise.resolve();
        },
      },
    });
    while ((await ok.relayOnce()) > 0);
    expect(published).toContain(event!.id);
    const sent = await ds.query<{ sent_at: Date | null }[]>(
      `SELECT sent_at FROM keel_outbox WHERE event_id = $1`,
      [event!.id],
    );
    expect(sent[0]!.sent_at).not.toBeNull();
  });

  it('deletes sent rows past their retention from the relay loop, in batches; unsent rows stay', async () => {
    const recording = (into: string[]) => ({
      publishEvents: (items: readonly { event: { id: string } }[]) => {
        into.push(...items.map((i) => i.event.id));
        return Promise.resolve();
      },
    });
    const ops = Array.from({ length: 5 }, (_, i) => `op-purge-${i}-${randomUUID().slice(0, 6)}`);
    const sent = await writeEvents(ops);
    const relay = new OutboxRelay({ dataSource: ds, publisher: recording([]) });
    while ((await relay.relayOnce()) > 0);
    const rowsOf = async (ids: readonly string[]) =>
      (
        await ds.query<{ event_id: string }[]>(
          `SELECT event_id FROM keel_outbox WHERE event_id = ANY($1::uuid[])`,
          [ids],
        )
      ).map((r) => r.event_id);
    // Within the retention nothing goes; past it, batches of 2 delete all five.
    expect(await relay.purgeSent(3_600_000, 2)).toBe(0);
    expect(await relay.purgeSent(0, 2)).toBeGreaterThanOrEqual(5);
    expect(await rowsOf(sent.map((e) => e.id))).toEqual([]);

    // The loop purges on its own (retention 0 here), and never an unsent row.
    const [older] = await writeEvents([`op-purge-loop-${randomUUID().slice(0, 6)}`]);
    while ((await relay.relayOnce()) > 0);
    const blocked = new OutboxRelay({
      dataSource: ds,
      publisher: { publishEvents: () => Promise.reject(new Error('broker unreachable')) },
      sentRetentionMs: 0,
      purgeIntervalMs: 50,
    });
    const [pending] = await writeEvents([`op-purge-pending-${randomUUID().slice(0, 6)}`]);
    blocked.start();
    try {
      await waitFor(
        'sent row purged by the loop',
        async () => (await rowsOf([older!.id])).length === 0,
      );
    } finally {
      await blocked.stop();
    }
    expect(await rowsOf([pending!.id])).toEqual([pending!.id]);
  });

  it('deletes inbox rows processed past their retention, in batches, from the relay loop too; recent rows stay', async () => {
    const group = `g-inbox-purge-${randomUUID().slice(0, 6)}`;
    const insert = (ageDays: number) =>
      ds.query<{ event_id: string }[]>(
        `INSERT INTO keel_inbox (consumer_group, event_id, topic, processed_at)
         VALUES ($1, $2, 'keel.operation.status.v1', now() - ($3::text || ' days')::interval)
         RETURNING event_id`,
        [group, randomUUID(), String(ageDays)],
      );
    await Promise.all([40, 35, 31].map(insert));
    const recent = await Promise.all([20, 0].map(insert));
    const left = async () =>
      (
        await ds.query<{ event_id: string }[]>(
          `SELECT event_id FROM keel_inbox WHERE consumer_group = $1 ORDER BY processed_at`,
          [group],
        )
      ).map((r) => r.event_id);
    const relay = new OutboxRelay({ dataSource: ds, publisher: { publishEvents: async () => {} } });
    // The default retention (30 days), in batches of 2: the three older rows go.
    expect(await relay.purgeInbox(30 * 24 * 3_600_000, 2)).toBe(3);
    expect(await left()).toEqual(recent.map((r) => r[0]!.event_id));
    // The relay loop runs it with its own retention.
    const looping = new OutboxRelay({
      dataSource: ds,
      publisher: { publishEvents: async () => {} },
      inboxRetentionMs: 10 * 24 * 3_600_000,
      purgeIntervalMs: 50,
    });
    looping.start();
    try {
      await waitFor(
        'the 20-day-old row purged by the loop',
        async () => (await left()).length === 1,
      );
    } finally {
      await looping.stop();
    }
    expect(await left()).toEqual([recent[1]![0]!.event_id]);
  });

  it('consumer SIGKILLed after its batch commit and before its offset commit: the redelivery changes nothing', async () => {
    const group = `g-crash-consumer-${randomUUID().slice(0, 6)}`;
    // 24 operations on one partition, all on the topic before the consumer joins: its first
    // fetch carries them together, so batches of more than one record are in flight at the kill.
    const { ops } = opsOnOnePartition(24, 'op-cc');
    const events = await writeEvents(ops);
    const relay = startRelay('relay-cc');
    await waitFor('the events on the topic', async () => (await unsent(events)) === 0);
    await relay.stop();
    const victim = events[10]!;
    const first = spawn(
      CONSUMER,
      { KEEL_CONSUMER_NAME: 'cc-1', KEEL_GROUP: group, KEEL_PAUSE_AFTER_COMMIT: victim.id },
      'consumer-1',
    );
    const committed = await first.waitForOutput(
      new RegExp(`COMMITTED ${victim.id} IN A BATCH OF (\\d+)`),
      60_000,
    );
    const batchSize = Number(committed[1]);
    console.info(`the victim's batch at the kill: ${batchSize} records`);
    expect(batchSize).toBeGreaterThan(1);
    expect(await effectsOf([victim.id], 'cc-')).toEqual([{ event_id: victim.id, n: 1 }]);
    first.kill('SIGKILL');
    await first.exited;

    const second = spawn(CONSUMER, { KEEL_CONSUMER_NAME: 'cc-2', KEEL_GROUP: group }, 'consumer-2');
    // The offset of the victim was never committed: it is delivered again…
    await second.waitForOutput(new RegExp(`DELIVERED ${victim.id}`), 90_000);
    await waitFor(
      'every effect',
      async () =>
        (
          await effectsOf(
            events.map((e) => e.id),
            'cc-',
          )
        ).length === events.length,
    );
    // …and the inbox made that a no-op: every effect (and every caused event) exists exactly once.
    const effects = await effectsOf(
      events.map((e) => e.id),
      'cc-',
    );
    expect(effects.every((e) => e.n === 1)).toBe(true);
    expect(effects.find((e) => e.event_id === victim.id)).toEqual({ event_id: victim.id, n: 1 });
    const caused = await ds.query<{ c: string; n: number }[]>(
      `SELECT event->>'causationId' AS c, count(*)::int AS n FROM keel_outbox
       WHERE event->>'causationId' = ANY($1::text[]) GROUP BY 1`,
      [events.map((e) => e.id)],
    );
    expect(caused).toHaveLength(events.length);
    expect(caused.every((c) => c.n === 1)).toBe(true);
  });

  it('a poison record inside a batch of 50 is dead-lettered alone with its reason; the other 49 commit once', async () => {
    const group = `g-poison-${randomUUID().slice(0, 6)}`;
    const { ops, partition } = opsOnOnePartition(50, 'op-po');
    const driver = kafkaDriver('po-writer');
    cleanups.push(() => driver.close());
    // 49 events and, between them, one record that is not an event at all, all on one partition
    // before the consumer joins.
    const before = await writeEvents(ops.slice(0, 25));
    const relay = startRelay('relay-po');
    await waitFor('the first events on the topic', async () => (await unsent(before)) === 0);
    await driver.send([{ topic: TOPIC, key: ops[25]!, value: '{"not": "an event"', headers: {} }]);
    const after = await writeEvents(ops.slice(26));
    await waitFor('the last events on the topic', async () => (await unsent(after)) === 0);
    await relay.stop();
    const events = [...before, ...after];
    // One event's handler writes its effect, then refuses the event: a rejection, not retried.
    const rejected = events[12]!;
    const inner = effectHandler('po-');
    // Per event of this test: its partition and how many of this test's events its batch held
    // (the group reads the topic from the beginning: earlier tests' events come too).
    const ours = new Set(events.map((e) => e.id));
    const seen: { partition: number; batch: number }[] = [];
    const bus = new EventBus(
      new KafkaBusDriver({
        brokers: kafka.brokers,
        clientId: 'po-consumer',
        // One batch per round: the whole fetch in one call (the default spreads it over 8).
        keysConsumedConcurrently: 1,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 3_000,
      }),
    );
    const handler = withInbox<typeof TOPIC>(ds, async (event, ctx) => {
      await inner(event, ctx);
      if (event.id === rejected.id) throw new NonRetryableError('seq 12 is refused by the test');
    });
    const sub = await bus.subscribe({
      group,
      // Room for the earlier tests' events on the partition too, so this test's 49 stay whole.
      batch: { maxRecords: 1_000 },
      handlers: {
        [TOPIC]: async (event, ctx) => {
          if (ours.has(event.id))
            seen.push({
              partition: ctx.partition,
              batch: ctx.batch?.records.filter((r) => ours.has(r.eventId)).length ?? 1,
            });
          await handler(event, ctx);
        },
      },
    });
    cleanups.push(async () => {
      await sub.stop();
      await bus.close();
    });
    await sub.ready;

    const good = events.filter((e) => e.id !== rejected.id);
    await waitFor(
      'the 48 good events',
      async () =>
        (
          await effectsOf(
            good.map((e) => e.id),
            'po-',
          )
        ).length === good.length,
    );
    const letters = async () => await listDeadLetters(driver, TOPIC, { group });
    await waitFor('both dead letters', async () => (await letters()).length === 2);
    const largest = Math.max(...seen.map((s) => s.batch));
    console.info(`batch sizes seen: ${[...new Set(seen.map((s) => s.batch))].join(', ')}`);
    // The malformed record never reaches a handler: the batch holds the 49 events.
    expect(largest).toBe(49);
    expect(seen.every((s) => s.partition === partition)).toBe(true);

    const effects = await effectsOf(
      events.map((e) => e.id),
      'po-',
    );
    // Each good event's effect once; the refused one's effect rolled back with its savepoint.
    expect(effects).toHaveLength(48);
    expect(effects.every((e) => e.n === 1)).toBe(true);
    expect(await inboxContains(ds, group, rejected.id)).toBe(false);
    const dead = (await letters()).sort(
      (a, b) => Number(a.originalOffset) - Number(b.originalOffset),
    );
    expect(dead.map((d) => [d.reason, d.eventId ?? null])).toEqual([
      ['rejected', rejected.id],
      ['malformed', null],
    ]);
    expect(dead[0]!.error).toContain('seq 12 is refused by the test');
    expect(dead[1]!.value).toBe('{"not": "an event"');
    // The consumer went on past both: a later event is handled too.
    const [later] = await writeEvents([`op-po-later-${randomUUID().slice(0, 6)}`]);
    startRelay('relay-po-2');
    await waitFor('a later event', async () => (await effectsOf([later!.id], 'po-')).length === 1);
  });

  it('relay SIGKILLed after publishing and before marking sent: the duplicate publish is absorbed by the inbox', async () => {
    const group = `g-crash-relay-${randomUUID().slice(0, 6)}`;
    const ops = Array.from({ length: 8 }, (_, i) => `op-cr-${i}-${randomUUID().slice(0, 6)}`);
    const events = await writeEvents(ops);
    const deliveries = new Map<string, number>();
    const bus = new EventBus(kafkaDriver('cr-consumer'));
    const handler = withInbox(ds, effectHandler('cr-'));
    const sub: Subscription = await bus.subscribe({
      group,
      handlers: {
        [TOPIC]: async (event, ctx) => {
          deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
          await handler(event, ctx);
        },
      },
    });
    cleanups.push(async () => {
      await sub.stop();
      await bus.close();
    });
    await sub.ready;

    const relay = spawn(RELAY, { KEEL_PAUSE_AFTER_PUBLISH: '1' }, 'relay-paused');
    const published = await relay.waitForOutput(/PUBLISHED (\d+) ([0-9a-f,-]+)/, 60_000);
    const publishedIds = published[2]!.split(',');
    relay.kill('SIGKILL');
    await relay.exited;
    const unsent = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM keel_outbox WHERE event_id = ANY($1::uuid[]) AND sent_at IS NULL`,
      [publishedIds],
    );
    expect(unsent[0]!.n).toBe(publishedIds.length);

    startRelay('relay-cr-2');
    await waitFor(
      'the republished batch',
      () =>
        events.every((e) => (deliveries.get(e.id) ?? 0) >= (publishedIds.includes(e.id) ? 2 : 1)),
      60_000,
    );
    const effects = await effectsOf(
      events.map((e) => e.id),
      'cr-',
    );
    expect(effects).toHaveLength(events.length);
    expect(effects.every((e) => e.n === 1)).toBe(true);
    expect(
      events.filter((e) => publishedIds.includes(e.id)).every((e) => deliveries.get(e.id)! >= 2),
    ).toBe(true);
    const sent = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM keel_outbox WHERE event_id = ANY($1::uuid[]) AND sent_at IS NOT NULL`,
      [events.map((e) => e.id)],
    );
    expect(sent[0]!.n).toBe(events.length);
  });

  it('two consumers share a group; one is SIGKILLed; the other takes over its partitions and nothing is lost', async () => {
    const group = `g-takeover-${randomUUID().slice(0, 6)}`;
    const a = spawn(CONSUMER, { KEEL_CONSUMER_NAME: 'to-a', KEEL_GROUP: group }, 'consumer-a');
    const b = spawn(CONSUMER, { KEEL_CONSUMER_NAME: 'to-b', KEEL_GROUP: group }, 'consumer-b');
    await Promise.all([
      a.waitForOutput(/READY to-a/, 60_000),
      b.waitForOutput(/READY to-b/, 60_000),
    ]);
    startRelay('relay-to');
    const all: KeelEvent<typeof TOPIC>[] = [];
    const delivered = (p: ManagedProcess) => (p.output().match(/DELIVERED/g) ?? []).length;
    const until = Date.now() + 60_000;
    let i = 0;
    while (delivered(a) === 0 || delivered(b) === 0) {
      if (Date.now() > until) throw new Error('the two consumers never shared the partitions');
      all.push(
        ...(await writeEvents(
          Array.from({ length: 8 }, () => `op-to-${i++}-${randomUUID().slice(0, 6)}`),
        )),
      );
      await new Promise((r) => setTimeout(r, 300));
    }
    a.kill('SIGKILL');
    all.push(
      ...(await writeEvents(
        Array.from({ length: 40 }, () => `op-to-${i++}-${randomUUID().slice(0, 6)}`),
      )),
    );
    await waitFor(
      'every event handled after the takeover',
      async () =>
        (
          await effectsOf(
            all.map((e) => e.id),
            'to-',
          )
        ).length === all.length,
      90_000,
    );
    const effects = await effectsOf(
      all.map((e) => e.id),
      'to-',
    );
    expect(effects.every((e) => e.n === 1)).toBe(true);
    const byB = await ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM test_effects WHERE consumer = 'to-b' AND event_id = ANY($1::uuid[])`,
      [all.slice(-40).map((e) => e.id)],
    );
    expect(byB[0]!.n).toBe(40);
  });

  it('keeps per-key order end to end with concurrent writers, two relays and two consumers', async () => {
    const group = `g-order-${randomUUID().slice(0, 6)}`;
    const keys = Array.from({ length: 16 }, (_, k) => `op-ord-${k}-${randomUUID().slice(0, 6)}`);
    const perKey = 15;
    const buses = [new EventBus(kafkaDriver('ord-1')), new EventBus(kafkaDriver('ord-2'))];
    const subs = await Promise.all(
      buses.map((bus, n) =>
        bus.subscribe({ group, handlers: { [TOPIC]: withInbox(ds, effectHandler(`ord-${n}`)) } }),
      ),
    );
    cleanups.push(async () => {
      await Promise.all(subs.map((s) => s.stop()));
      await Promise.all(buses.map((b) => b.close()));
    });
    await Promise.all(subs.map((s) => s.ready));
    startRelay('relay-ord-1');
    startRelay('relay-ord-2');
    await Promise.all(
      keys.map(async (k) => {
        for (let s = 0; s < perKey; s++) await writeEvents([k], s);
      }),
    );
    await waitFor(
      'all ordered events',
      async () => {
        const r = await ds.query<{ n: number }[]>(
          `SELECT count(DISTINCT event_id)::int AS n FROM test_effects WHERE operation_id = ANY($1::text[])`,
          [keys],
        );
        return r[0]!.n === keys.length * perKey;
      },
      90_000,
    );
    const rows = await ds.query<{ operation_id: string; seq: number }[]>(
      `SELECT operation_id, seq FROM test_effects WHERE operation_id = ANY($1::text[]) ORDER BY id`,
      [keys],
    );
    expect(rows).toHaveLength(keys.length * perKey);
    for (const k of keys) {
      expect(rows.filter((r) => r.operation_id === k).map((r) => r.seq)).toEqual(
        Array.from({ length: perKey }, (_, s) => s),
      );
    }
  });
});
