// Bus benchmark: outbox → Kafka → inbox handler vs raw kafkajs producer →
// consumer, side by side on the same librdkafka mock cluster, same run.
//
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/bus/bench.ts
//
// Env: BENCH_N (messages per side, default 5000), BENCH_WRITERS (concurrent
// producers, default 16), BENCH_KEYS (distinct partition keys, default 64),
// BENCH_RAW_BATCH (messages per send of the second raw run, default 50),
// BENCH_RATE / BENCH_PACED_SECONDS (the paced latency runs, default 100/s for 10 s).
// Needs PostgreSQL on 127.0.0.1:5432 (trust) and kcat, like the integration tests.
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { EventBus, KafkaBusDriver } from '@keel/bus';
import { openDataSource, OutboxRelay, TransactionOutbox, withInbox } from '@keel/persistence';
import { createTestDatabase, startTestKafka } from '@keel/testing';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const N = Number(process.env['BENCH_N'] ?? 5000);
const WRITERS = Number(process.env['BENCH_WRITERS'] ?? 16);
const KEYS = Number(process.env['BENCH_KEYS'] ?? 64);
const RAW_BATCH = Number(process.env['BENCH_RAW_BATCH'] ?? 50);
const RATE = Number(process.env['BENCH_RATE'] ?? 100);
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 10);
const TOPIC = 'keel.operation.accepted.v1' as const;

class CreateBenchEffects1795300000099 implements MigrationInterface {
  readonly name = 'CreateBenchEffects1795300000099';
  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE bench_effects (event_id uuid PRIMARY KEY, operation_id text NOT NULL)`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE bench_effects`);
  }
}

interface Result {
  readonly name: string;
  readonly n: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarize(name: string, start: number, end: number, latencies: number[]): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  const seconds = (end - start) / 1000;
  return {
    name,
    n: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

async function untilCount(get: () => number, n: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (get() < n) {
    if (Date.now() > until)
      throw new Error(`only ${get()} of ${n} messages arrived within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Offered load: as fast as WRITERS concurrent producers go, or a fixed rate (latency below saturation). */
type Load = { kind: 'saturate'; n: number } | { kind: 'paced'; rate: number; n: number };

async function offer(load: Load, write: (i: number) => Promise<void>): Promise<void> {
  if (load.kind === 'saturate') return runWriters(load.n, write);
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < load.n; i++) {
    const wait = start + (i * 1000) / load.rate - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(write(i));
  }
  await Promise.all(inFlight);
}

const describeLoad = (load: Load): string =>
  load.kind === 'saturate' ? `saturating, ${WRITERS} writers` : `paced ${load.rate}/s`;

async function runWriters(n: number, write: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = next++; i < n; i = next++) await write(i);
    }),
  );
}

async function rawKafkajs(brokers: readonly string[], batch: number, load: Load): Promise<Result> {
  const n = load.n;
  const kafka = new Kafka({
    clientId: 'bench-raw',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const topic = `bench.raw.${Date.now()}`;
  const producer = kafka.producer({
    allowAutoTopicCreation: true,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await producer.send({
    topic,
    messages: [{ key: 'warmup', value: JSON.stringify({ sentAt: Date.now(), warmup: true }) }],
  });
  const consumer = kafka.consumer({ groupId: `bench-raw-${randomUUID()}`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const latencies: number[] = [];
  let joined = false;
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachMessage: async ({ message }) => {
      const v = JSON.parse(message.value!.toString()) as { sentAt: number; warmup?: boolean };
      if (v.warmup) {
        joined = true;
        return;
      }
      latencies.push(Date.now() - v.sentAt);
      await Promise.resolve();
    },
  });
  await untilCount(() => (joined ? 1 : 0), 1, 60_000);
  const start = Date.now();
  await offer({ ...load, n: Math.ceil(n / batch) }, async (b) => {
    const messages = [];
    for (let i = b * batch; i < Math.min(n, (b + 1) * batch); i++) {
      messages.push({ key: `op-${i % KEYS}`, value: JSON.stringify({ sentAt: Date.now(), i }) });
    }
    await producer.send({ topic, messages });
  });
  process.stderr.write(`raw ${batch}/send: produced in ${Date.now() - start} ms\n`);
  await untilCount(() => latencies.length, n, 300_000);
  const end = Date.now();
  await consumer.disconnect();
  await producer.disconnect();
  return summarize(
    `raw kafkajs producer → consumer, ${batch} msg/send, ${describeLoad(load)}`,
    start,
    end,
    latencies,
  );
}

async function keelPath(brokers: readonly string[], dbUrl: string, load: Load): Promise<Result> {
  const n = load.n;
  const ds = await openDataSource({
    url: dbUrl,
    migrations: [CreateBenchEffects1795300000099],
    poolSize: 30,
  });
  const driver = (id: string) => new KafkaBusDriver({ brokers, clientId: id, fetchMaxWaitMs: 50 });
  const relayBus = new EventBus(driver('bench-relay'));
  const consumerBus = new EventBus(driver('bench-consumer'));
  const group = `bench-keel-${randomUUID()}`;
  const latencies: number[] = [];
  let warm = false;
  const handler = withInbox<typeof TOPIC>(ds, async (event, ctx) => {
    await ctx.manager.query(`INSERT INTO bench_effects (event_id, operation_id) VALUES ($1, $2)`, [
      event.id,
      event.payload.operationId,
    ]);
  });
  const run = randomUUID();
  const sub = await consumerBus.subscribe({
    group,
    // A new group starts at the end: earlier runs on the topic are not replayed.
    fromBeginning: false,
    handlers: {
      [TOPIC]: async (event, ctx) => {
        if (event.payload.params['run'] !== run) return;
        await handler(event, ctx);
        if (event.payload.params['warmup'] === true) warm = true;
        else latencies.push(Date.now() - Number(event.payload.params['sentAt']));
      },
    },
  });
  await sub.ready;
  const relay = new OutboxRelay({ dataSource: ds, publisher: relayBus, idleDelayMs: 5 });
  relay.start();
  const write = async (operationId: string, params: Record<string, unknown>) => {
    await ds.transaction(async (manager) => {
      await new TransactionOutbox(manager, {
        organizationId: 'bench',
        correlationId: operationId,
      }).publish(TOPIC, {
        operationId,
        operationType: 'token.transfer',
        params,
        acceptedAt: new Date().toISOString(),
      });
    });
  };
  // Until the group has its offsets, a message may land before its start position: retry.
  for (let tries = 0; !warm; tries++) {
    if (tries > 120) throw new Error('the consumer group never received the warm-up event');
    await write('warmup', { warmup: true, sentAt: Date.now(), run });
    await new Promise((r) => setTimeout(r, 500));
  }
  const start = Date.now();
  await offer(load, async (i) => {
    await write(`op-${i % KEYS}`, { sentAt: Date.now(), i, run });
  });
  process.stderr.write(`keel: written in ${Date.now() - start} ms\n`);
  await untilCount(() => latencies.length, n, 300_000);
  const end = Date.now();
  const effects = await ds.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM bench_effects WHERE operation_id <> 'warmup'`,
  );
  if (effects[0]!.n !== n) throw new Error(`expected ${n} effects, found ${effects[0]!.n}`);
  await ds.query(`DELETE FROM bench_effects`);
  await relay.stop();
  await sub.stop();
  await Promise.all([relayBus.close(), consumerBus.close()]);
  await ds.destroy();
  return summarize(
    `Keel outbox → Kafka → inbox handler, ${describeLoad(load)}`,
    start,
    end,
    latencies,
  );
}

async function main(): Promise<void> {
  const [kafka, db] = await Promise.all([
    startTestKafka(),
    createTestDatabase({ prefix: 'bench_bus' }),
  ]);
  try {
    const sat: Load = { kind: 'saturate', n: N };
    const paced: Load = { kind: 'paced', rate: RATE, n: RATE * PACED_SECONDS };
    const raw = await rawKafkajs(kafka.brokers, 1, sat);
    const rawBatched = await rawKafkajs(kafka.brokers, RAW_BATCH, sat);
    const keel = await keelPath(kafka.brokers, db.url, sat);
    const rawPaced = await rawKafkajs(kafka.brokers, 1, paced);
    const keelPaced = await keelPath(kafka.brokers, db.url, paced);
    const fmt = (r: Result) =>
      `| ${r.name} | ${r.n} | ${r.seconds.toFixed(2)} | ${r.perSecond.toFixed(0)} | ${r.p50} | ${r.p99} |`;
    const ratio = (k: Result, r: Result, label: string) =>
      `Keel ÷ raw (${label}): throughput ${(k.perSecond / r.perSecond).toFixed(2)}, p50 latency ${(k.p50 / Math.max(1, r.p50)).toFixed(2)}×, p99 latency ${(k.p99 / Math.max(1, r.p99)).toFixed(2)}×`;
    const lines = [
      `date: ${new Date().toISOString()}`,
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (shared), ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()[0]!.toFixed(1)} at the end; node ${process.version}`,
      `workload: saturating N=${N} per side with ${WRITERS} concurrent writers; paced ${RATE}/s for ${PACED_SECONDS} s; ${KEYS} keys, 4 partitions, 3 mock brokers`,
      '',
      '| path | messages | seconds | msgs/s | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|',
      fmt(raw),
      fmt(rawBatched),
      fmt(keel),
      fmt(rawPaced),
      fmt(keelPaced),
      '',
      ratio(keel, raw, `saturating, 1 msg/send`),
      ratio(keel, rawBatched, `saturating, ${RAW_BATCH} msg/send`),
      ratio(keelPaced, rawPaced, `paced ${RATE}/s`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await kafka.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
