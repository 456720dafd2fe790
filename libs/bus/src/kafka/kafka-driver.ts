import { randomUUID } from 'node:crypto';
import {
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  type KafkaConfig,
  logLevel,
  type Producer,
  Partitioners,
} from 'kafkajs';
import {
  type BatchLimits,
  type BusDriver,
  type ConsumeOptions,
  cutBatches,
  defaultBatchLimits,
  type DriverConsumer,
  type OutgoingRecord,
  type RawMessage,
} from '../driver';
import { type BusLogger, silentLogger } from '../logger';
import { fixIdleRequestQueueLoop } from './kafkajs-request-queue';

export interface KafkaDriverOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Group session timeout: how long a dead member keeps its partitions. */
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** How long the group waits for members to re-join during a rebalance. */
  readonly rebalanceTimeoutMs?: number;
  /** Partitions of one member processed concurrently (order still holds per partition). */
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Keys of one partition handled concurrently (default 8). Messages with the
   * same key are still handled one after another, in offset order; only
   * messages of different keys (different operations) overlap. 1 restores
   * strictly sequential handling per partition.
   */
  readonly keysConsumedConcurrently?: number;
  /**
   * Messages one member handles at once, across all its partitions and keys
   * (default 8). A handler usually holds a database connection for its whole
   * transaction (some take a second one inside it): keep this below the
   * service's connection pool size, or the pool can run dry with every
   * holder waiting for another connection.
   */
  readonly maxConcurrentMessages?: number;
  /**
   * Offsets of handled messages are committed together every this many ms
   * (0: after each message). Never before the handler succeeded; a crash
   * in between redelivers what was handled since the last commit, which the
   * inbox absorbs. Default 100.
   */
  readonly commitIntervalMs?: number;
  /**
   * Fetch long-poll wait. A real broker answers as soon as data arrives (this
   * bounds only an idle member's fetch loop); the librdkafka mock cluster waits
   * the full time, so this adds latency there. Default 100.
   */
  readonly fetchMaxWaitMs?: number;
  /**
   * Batches handed to a consumer that takes them (`handleBatch`; `EventBus` does): records,
   * bytes and fetch wait, defaults in `defaultBatchLimits` (100 records, 1 MiB, 0 ms).
   * A consumer's own `batch` overrides these.
   */
  readonly batch?: Partial<BatchLimits>;
  /**
   * The idempotent producer (default true): acks=all, and the broker drops the
   * duplicates of its own retries. A cluster that cannot run it is detected and
   * produced to without it, with a warning; false turns it off outright.
   */
  readonly idempotent?: boolean;
  readonly logger?: BusLogger;
  /** kafkajs's own log level, routed to `logger` (default: error). */
  readonly kafkaLogLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /** Extra kafkajs client settings (ssl, sasl, …). */
  readonly client?: Omit<KafkaConfig, 'brokers' | 'clientId'>;
}

const kafkaLogLevels = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
} as const;

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[k] = typeof first === 'string' ? first : first.toString('utf8');
  }
  return out;
}

function toRaw(topic: string, partition: number, message: KafkaMessage): RawMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value ? message.value.toString('utf8') : null,
    headers: headersToStrings(message.headers),
    timestamp: message.timestamp,
  };
}

/** A counting semaphore: at most `size` holders, the others wait in arrival order. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * Kafka driver on kafkajs. Each fetched batch of a partition is split by
 * message key: one key's messages run in offset order, different keys run
 * concurrently (bounded), so one slow operation does not hold up the others
 * on its partition. Offsets are committed manually, only up to the last
 * message before which every message of the batch was handled; a rejected
 * handler makes kafkajs fetch again from there (handled messages after that
 * point are redelivered and absorbed by the inbox). The producer is idempotent
 * with acks=all: the broker drops the duplicates its own retries would write, and
 * keeps order per partition across them. A cluster that cannot run it (librdkafka's
 * mock, which names a controller that is not among its brokers) gets a plain
 * producer with one warning; the inbox still absorbs duplicates there. One
 * produce request is in flight at a time (the send queue), so order per key
 * holds either way. Topics are provisioned by deployment; the producer may
 * auto-create them where the cluster allows.
 */
export class KafkaBusDriver implements BusDriver {
  readonly kind = 'kafka' as const;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private producerReady: Promise<Producer> | undefined;
  private readonly consumers = new Set<Consumer>();
  private readonly logger: BusLogger;
  private readonly sendQueue: {
    records: readonly OutgoingRecord[];
    resolve: () => void;
    reject: (err: unknown) => void;
  }[] = [];
  private sending = false;
  /** The cluster refused the idempotent producer once: later producers go without. */
  private idempotenceRefused = false;

  constructor(private readonly options: KafkaDriverOptions) {
    this.logger = options.logger ?? silentLogger;
    const logger = this.logger;
    const fix = fixIdleRequestQueueLoop();
    if (!fix.applied)
      logger.warn({ reason: fix.reason }, 'kafkajs request-queue idle loop left as is');
    this.kafka = new Kafka({
      logLevel: kafkaLogLevels[options.kafkaLogLevel ?? 'error'],
      logCreator:
        () =>
        ({ level, log }) => {
          const { message, ...rest } = log;
          if (level <= logLevel.ERROR) logger.error({ kafkajs: rest }, String(message));
          else if (level === logLevel.WARN) logger.warn({ kafkajs: rest }, String(message));
          else logger.info({ kafkajs: rest }, String(message));
        },
      ...options.client,
      brokers: [...options.brokers],
      clientId: options.clientId,
    });
  }

  private getProducer(): Promise<Producer> {
    this.producerReady ??= this.connectProducer().then(
      (producer) => {
        this.producer = producer;
        return producer;
      },
      (err: unknown) => {
        this.producerReady = undefined;
        throw err;
      },
    );
    return this.producerReady;
  }

  private async connectProducer(): Promise<Producer> {
    const create = (idempotent: boolean): Producer =>
      this.kafka.producer({
        allowAutoTopicCreation: true,
        idempotent,
        // kafkajs's limit for the idempotent producer; the send queue keeps one in flight.
        maxInFlightRequests: idempotent ? 5 : 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
    if (this.options.idempotent !== false && !this.idempotenceRefused) {
      const producer = create(true);
      try {
        await producer.connect();
        return producer;
      } catch (err) {
        await producer.disconnect().catch(() => undefined);
        const reason = await this.whyIdempotenceIsRefused();
        if (!reason) throw err;
        this.idempotenceRefused = true;
        this.logger.warn(
          { reason, err: String(err) },
          'the Kafka cluster cannot run the idempotent producer: producing without it (the inbox absorbs duplicates from retries)',
        );
      }
    }
    const producer = create(false);
    await producer.connect();
    return producer;
  }

  /**
   * Why the cluster cannot run the idempotent producer, or undefined when it
   * should (then a failed connect is an ordinary error, retried by the next
   * send). librdkafka's mock cluster reports a controller id that is none of
   * its brokers, so the InitProducerId kafkajs sends there finds no broker.
   */
  private async whyIdempotenceIsRefused(): Promise<string | undefined> {
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      const { brokers, controller } = await admin.describeCluster();
      if (controller === null || !brokers.some((b) => b.nodeId === controller))
        return `controller ${String(controller)} is not among the brokers (${brokers.map((b) => b.nodeId).join(', ')})`;
      return undefined;
    } catch {
      return undefined;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * Publishes records. Calls made while a produce request is in flight are
   * queued and go out together in the next request (group commit): many
   * concurrent small publishes (the gateway's, one per HTTP request) cost one
   * round trip per batch instead of one each. Call order is send order, and
   * one request is in flight at a time, so order per key holds. When a
   * request fails, every call whose records it carried rejects.
   */
  send(records: readonly OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.sendQueue.push({ records, resolve, reject });
      if (!this.sending) void this.drainSendQueue();
    });
  }

  private async drainSendQueue(): Promise<void> {
    this.sending = true;
    try {
      while (this.sendQueue.length > 0) {
        const calls = this.sendQueue.splice(0, this.sendQueue.length);
        try {
          await this.produce(calls.flatMap((c) => c.records));
          for (const c of calls) c.resolve();
        } catch (err) {
          for (const c of calls) c.reject(err);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private async produce(records: readonly OutgoingRecord[]): Promise<void> {
    const producer = await this.getProducer();
    // One produce request per batch; kafkajs keeps the order of messages per
    // partition inside it, and maxInFlightRequests=1 keeps it across batches.
    const byTopic = new Map<string, { key: string; value: string; headers: IHeaders }[]>();
    for (const r of records) {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: { ...r.headers } });
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
  }

  async consume(options: ConsumeOptions): Promise<DriverConsumer> {
    let joined: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      joined = resolve;
    });
    let stopped = false;
    let current: Consumer | undefined;
    const flushers = new Map<Consumer, () => Promise<void>>();

    const limits: BatchLimits = { ...defaultBatchLimits, ...this.options.batch, ...options.batch };
    const startMember = async (): Promise<Consumer> => {
      const consumer = this.kafka.consumer({
        maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 100,
        // A batch wait holds the fetch until a batch's worth of bytes arrived or it expired.
        ...(options.handleBatch && limits.maxWaitMs > 0
          ? { minBytes: limits.maxBytes, maxWaitTimeInMs: limits.maxWaitMs }
          : {}),
        groupId: options.group,
        sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
        heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
        rebalanceTimeout: this.options.rebalanceTimeoutMs ?? 10_000,
        allowAutoTopicCreation: true,
        retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 5_000 },
      });
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        this.logger.info(
          {
            group: options.group,
            memberId: e.payload.memberId,
            assignment: e.payload.memberAssignment,
          },
          'joined consumer group',
        );
        joined();
      });
      consumer.on(consumer.events.CRASH, (e) => {
        this.logger.error(
          { group: options.group, err: String(e.payload.error), restart: e.payload.restart },
          'kafka consumer crashed',
        );
        // kafkajs restarts by itself after retriable errors; otherwise the
        // member is dead and we build a new one, so a subscription never
        // silently stops consuming.
        if (!e.payload.restart && !stopped) scheduleRestart(consumer);
      });
      // Handled offsets waiting for the next commit, per partition (only grows:
      // a partition is handled sequentially).
      const pending = new Map<string, { topic: string; partition: number; offset: string }>();
      const commitIntervalMs = this.options.commitIntervalMs ?? 100;
      const flush = async (): Promise<void> => {
        if (pending.size === 0) return;
        const offsets = [...pending.values()];
        pending.clear();
        try {
          await consumer.commitOffsets(offsets);
        } catch (err) {
          // Lost the partitions in a rebalance: the new owner redelivers from
          // the last commit and the inbox turns the repeats into no-ops.
          this.logger.warn({ group: options.group, err: String(err) }, 'offset commit failed');
        }
      };
      const timer =
        commitIntervalMs > 0 ? setInterval(() => void flush(), commitIntervalMs) : undefined;
      consumer.on(consumer.events.REBALANCING, () => void flush());
      flushers.set(consumer, async () => {
        if (timer) clearInterval(timer);
        await flush();
      });
      await consumer.connect();
      await consumer.subscribe({
        topics: [...options.topics],
        fromBeginning: options.fromBeginning ?? true,
      });
      const keysConcurrently = Math.max(1, this.options.keysConsumedConcurrently ?? 8);
      const slots = new Slots(Math.max(1, this.options.maxConcurrentMessages ?? 8));
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
        eachBatchAutoResolve: false,
        eachBatch: async (payload) => {
          const { batch } = payload;
          const { topic, partition } = batch;
          const controls = { heartbeat: () => payload.heartbeat() };
          // Per key, in offset order; keyless messages form one sequence.
          const byKey = new Map<string, KafkaMessage[]>();
          for (const message of batch.messages) {
            const key = message.key ? message.key.toString('utf8') : '\u0000';
            let list = byKey.get(key);
            if (!list) byKey.set(key, (list = []));
            list.push(message);
          }
          const queue = [...byKey.values()];
          const handled = new Set<string>();
          let failure: { err: unknown } | undefined;
          const canGoOn = () => !failure && payload.isRunning() && !payload.isStale();
          const handleBatch = options.handleBatch;
          // Batches: round r holds the r-th message of every key (a key's messages stay in
          // order, one per batch), cut within the limits into at most keysConcurrently
          // batches that run at once; the next round starts when this one is done.
          const runRounds = async (batchHandler: NonNullable<typeof handleBatch>) => {
            for (let r = 0; canGoOn(); r++) {
              const round = queue
                .flatMap((list) => (list.length > r ? [list[r]!] : []))
                .sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
              if (round.length === 0) return;
              await Promise.all(
                cutBatches(round, limits, keysConcurrently).map(async (messages) => {
                  await slots.acquire();
                  try {
                    if (!canGoOn()) return;
                    await batchHandler(
                      messages.map((m) => toRaw(topic, partition, m)),
                      controls,
                    );
                    for (const m of messages) handled.add(m.offset);
                  } catch (err) {
                    failure ??= { err };
                  } finally {
                    slots.release();
                  }
                }),
              );
            }
          };
          const worker = async (): Promise<void> => {
            for (let list = queue.shift(); list && canGoOn(); list = queue.shift()) {
              for (const message of list) {
                if (!canGoOn()) return;
                await slots.acquire();
                try {
                  if (!canGoOn()) return;
                  await options.handle(toRaw(topic, partition, message), controls);
                } catch (err) {
                  failure ??= { err };
                  return;
                } finally {
                  slots.release();
                }
                handled.add(message.offset);
              }
            }
          };
          if (handleBatch) await runRounds(handleBatch);
          else
            await Promise.all(
              Array.from({ length: Math.min(keysConcurrently, queue.length) }, worker),
            );
          // Commit (and fetch on) from the first message not handled.
          let last: string | undefined;
          for (const message of batch.messages) {
            if (!handled.has(message.offset)) break;
            last = message.offset;
          }
          if (last !== undefined) {
            payload.resolveOffset(last);
            pending.set(`${topic}\u0000${partition}`, {
              topic,
              partition,
              offset: (BigInt(last) + 1n).toString(),
            });
            if (commitIntervalMs === 0) await flush();
          }
          if (failure) throw failure.err;
        },
      });
      return consumer;
    };

    const scheduleRestart = (dead: Consumer): void => {
      this.consumers.delete(dead);
      void flushers.get(dead)?.();
      flushers.delete(dead);
      setTimeout(() => {
        void (async () => {
          await dead.disconnect().catch(() => undefined);
          if (stopped) return;
          try {
            current = await startMember();
            this.consumers.add(current);
          } catch (err) {
            this.logger.error(
              { group: options.group, err: String(err) },
              'kafka consumer restart failed',
            );
            if (current) scheduleRestart(current);
          }
        })();
      }, 1_000);
    };

    current = await startMember();
    this.consumers.add(current);
    return {
      ready,
      stop: async () => {
        stopped = true;
        if (current) {
          this.consumers.delete(current);
          // Stop fetching first, then commit what was handled, then leave.
          await current.stop();
          await flushers.get(current)?.();
          await current.disconnect();
        }
      },
    };
  }

  async readTopic(topic: string): Promise<RawMessage[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string; low: string }[];
    try {
      ends = await admin.fetchTopicOffsets(topic);
    } catch (err) {
      if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return [];
      throw err;
    } finally {
      await admin.disconnect();
    }
    const remaining = new Map(
      ends.filter((e) => BigInt(e.high) > BigInt(e.low)).map((e) => [e.partition, BigInt(e.high)]),
    );
    if (remaining.size === 0) return [];
    // A throwaway group that never commits: reading does not move anyone's offsets.
    const consumer = this.kafka.consumer({
      groupId: `keel-reader-${randomUUID()}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 250,
    });
    const out: RawMessage[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
        consumer
          .run({
            autoCommit: false,
            eachMessage: async ({ partition, message }) => {
              out.push({
                topic,
                partition,
                offset: message.offset,
                key: message.key ? message.key.toString('utf8') : null,
                value: message.value ? message.value.toString('utf8') : null,
                headers: headersToStrings(message.headers),
                timestamp: message.timestamp,
              });
              const high = remaining.get(partition);
              if (high !== undefined && BigInt(message.offset) + 1n >= high)
                remaining.delete(partition);
              if (remaining.size === 0) resolve();
              await Promise.resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return out.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.disconnect()));
    this.consumers.clear();
    if (this.producer) await this.producer.disconnect();
    this.producer = undefined;
    this.producerReady = undefined;
  }
}
