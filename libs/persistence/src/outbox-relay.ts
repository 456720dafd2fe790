import type { BusLogger, PublishItem } from '@keel/bus';
import type { KeelEvent, TopicName } from '@keel/events';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import { LOCK_NS_OUTBOX_RELAY, takeOutboxWritten } from './outbox';

/** Where the relay publishes; `EventBus` implements it. */
export interface OutboxPublisher {
  publishEvents(items: readonly PublishItem[]): Promise<void>;
}

export interface OutboxRelayOptions {
  readonly dataSource: DataSource;
  readonly publisher: OutboxPublisher;
  /** Max events per relay transaction. */
  readonly batchSize?: number;
  /** Max distinct keys claimed per relay transaction. */
  readonly maxKeys?: number;
  /**
   * Pause when the outbox is empty (default 200 ms). A commit through this
   * data source that wrote outbox rows wakes the relay at once; the pause
   * only bounds how late rows written by other processes are seen.
   */
  readonly idleDelayMs?: number;
  /**
   * How long sent rows stay in the outbox (default 7 days): long enough to look at what a
   * service published recently, bounded so the table does not grow without end. The
   * events themselves live on in Kafka (and in its DLQs) for the topics' retention.
   */
  readonly sentRetentionMs?: number;
  /**
   * How long a consumer's inbox rows are kept (default 30 days), deleted by the same
   * hourly purge. An event redelivered after its row is gone would be handled a second
   * time, so keep this well above the topics' retention (Kafka's default is 7 days) and
   * above how far back an offset reset or a replay of processed events may reach. A dead
   * letter's replay is not affected: a dead-lettered event never committed its row.
   */
  readonly inboxRetentionMs?: number;
  /** How often the relay deletes sent rows (and inbox rows) older than their retention (default hourly). */
  readonly purgeIntervalMs?: number;
  readonly logger?: BusLogger;
}

interface OutboxRow {
  id: string;
  topic: string;
  partition_key: string;
  event: KeelEvent<TopicName>;
}

const noop: BusLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Publishes outbox rows and marks them sent. Safe with several relays: each
 * relay transaction claims whole partition keys with `pg_try_advisory_xact_lock`
 * (a key another relay holds is skipped, like SKIP LOCKED at key granularity),
 * locks the rows of its keys with FOR UPDATE, publishes them in id order and
 * marks them sent in the same transaction. A crash after publishing and
 * before the commit republishes the batch: at-least-once, and the consumers'
 * inbox turns the duplicate into a no-op.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A commit wrote events since the relay last looked (a wake-up during a pass is not lost). */
  private nudged = false;
  private readonly batchSize: number;
  private readonly maxKeys: number;
  private readonly idleDelayMs: number;
  private readonly sentRetentionMs: number;
  private readonly inboxRetentionMs: number;
  private readonly purgeIntervalMs: number;
  private nextPurgeAt = 0;
  private readonly logger: BusLogger;

  constructor(private readonly options: OutboxRelayOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.maxKeys = options.maxKeys ?? 200;
    this.idleDelayMs = options.idleDelayMs ?? 200;
    this.sentRetentionMs = options.sentRetentionMs ?? 7 * 24 * 3_600_000;
    this.inboxRetentionMs = options.inboxRetentionMs ?? 30 * 24 * 3_600_000;
    this.purgeIntervalMs = options.purgeIntervalMs ?? 3_600_000;
    this.logger = options.logger ?? noop;
    const wakeOnCommit: EntitySubscriberInterface = {
      afterTransactionCommit: (event) => {
        if (takeOutboxWritten(event.queryRunner)) this.nudge();
      },
      afterTransactionRollback: (event) => {
        takeOutboxWritten(event.queryRunner);
      },
    };
    options.dataSource.subscribers.push(wakeOnCommit);
  }

  /**
   * Relays one batch; returns how many events were published. `knownWork` (a commit in
   * this process wrote events) skips the cheap "is there anything" read that an idle
   * poll starts with.
   */
  async relayOnce(knownWork = false): Promise<number> {
    if (!knownWork) {
      // An idle relay pays one indexed read, outside any transaction.
      const any = await this.options.dataSource.query<unknown[]>(
        'SELECT 1 FROM keel_outbox WHERE sent_at IS NULL LIMIT 1',
      );
      if (any.length === 0) return 0;
    }
    const runner = this.options.dataSource.createQueryRunner();
    await runner.connect();
    try {
      // READ COMMITTED is PostgreSQL's default: no SET TRANSACTION round trip.
      await runner.startTransaction();
      let selected: string[] = [];
      try {
        // One statement picks the oldest keys with unsent rows, claims those no other relay
        // holds, locks their rows and marks them sent (ARRAY(...) is evaluated once, before
        // the rows are read: every claim precedes the scan). The marks are only visible once
        // the transaction commits, after the publish: a failed publish rolls them back.
        const marked = (await runner.query(
          `UPDATE keel_outbox SET sent_at = now(), attempts = attempts + 1
           WHERE id IN (
             SELECT id FROM keel_outbox
             WHERE sent_at IS NULL AND partition_key = ANY(ARRAY(
               SELECT k FROM (
                 SELECT partition_key AS k FROM keel_outbox WHERE sent_at IS NULL
                 GROUP BY partition_key ORDER BY min(id) LIMIT $2
               ) AS candidates
               WHERE pg_try_advisory_xact_lock($1::int, hashtext(k))
             ))
             ORDER BY id LIMIT $3 FOR UPDATE)
           RETURNING id, topic, partition_key, event`,
          [LOCK_NS_OUTBOX_RELAY, this.maxKeys, this.batchSize],
        )) as [OutboxRow[], number];
        // RETURNING has no order: publish in id (= per-key commit) order.
        const rows = marked[0].sort((a, b) => compareIds(a.id, b.id));
        selected = rows.map((r) => r.id);
        if (rows.length > 0)
          await this.options.publisher.publishEvents(
            rows.map((r) => ({
              topic: r.topic as TopicName,
              event: r.event,
              key: r.partition_key,
            })),
          );
        await runner.commitTransaction();
        return rows.length;
      } catch (err) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        if (selected.length > 0) {
          // Keep the failure visible on the rows (monitoring: attempts, last_error).
          await runner
            .query(
              `UPDATE keel_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`,
              [selected, String(err).slice(0, 2000)],
            )
            .catch(() => undefined);
        }
        throw err;
      }
    } finally {
      await runner.release();
    }
  }

  /** Runs the relay loop until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Wakes an idle relay (e.g. right after a commit that wrote events). */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let delay = 0;
      try {
        const knownWork = this.nudged;
        this.nudged = false;
        const n = await this.relayOnce(knownWork);
        failures = 0;
        if (n === 0 && !this.nudged) delay = this.idleDelayMs;
      } catch (err) {
        failures++;
        delay = Math.min(5_000, 50 * 2 ** failures);
        this.logger.error(
          { err: String(err), failures, delayMs: delay },
          'outbox relay failed; retrying',
        );
      }
      // Housekeeping runs whether or not the broker answers (it only deletes sent rows).
      await this.purgeIfDue();
      if (delay > 0 && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /**
   * Deletes sent outbox rows and inbox rows past their retention once per purge interval
   * (from the relay loop: every service that keeps an inbox also relays its outbox).
   */
  private async purgeIfDue(): Promise<void> {
    const now = Date.now();
    if (now < this.nextPurgeAt) return;
    this.nextPurgeAt = now + this.purgeIntervalMs;
    try {
      const purged = await this.purgeSent(this.sentRetentionMs);
      if (purged > 0) this.logger.info({ purged }, 'outbox: sent rows past retention deleted');
      const forgotten = await this.purgeInbox(this.inboxRetentionMs);
      if (forgotten > 0)
        this.logger.info({ purged: forgotten }, 'inbox: rows past retention deleted');
    } catch (err) {
      // Housekeeping only: the next interval tries again; relaying goes on.
      this.logger.warn({ err: String(err) }, 'outbox/inbox purge failed; retrying next interval');
    }
  }

  /** Deletes inbox rows processed longer ago than the retention, in batches. */
  purgeInbox(olderThanMs: number, batchSize = 5_000): Promise<number> {
    return this.deleteInBatches(
      `DELETE FROM keel_inbox WHERE (consumer_group, event_id) IN (
         SELECT consumer_group, event_id FROM keel_inbox
         WHERE processed_at < now() - ($1::text || ' milliseconds')::interval
         LIMIT $2)`,
      olderThanMs,
      batchSize,
    );
  }

  /** Deletes sent rows older than the retention (the relay loop runs it every purge interval). */
  purgeSent(olderThanMs: number, batchSize = 5_000): Promise<number> {
    return this.deleteInBatches(
      `DELETE FROM keel_outbox WHERE id IN (
         SELECT id FROM keel_outbox
         WHERE sent_at IS NOT NULL AND sent_at < now() - ($1::text || ' milliseconds')::interval
         LIMIT $2)`,
      olderThanMs,
      batchSize,
    );
  }

  /**
   * Runs a `DELETE … LIMIT $2` (age in ms as $1) until it deletes less than a batch: a first
   * purge after a long time must not hold one huge delete.
   */
  private async deleteInBatches(
    statement: string,
    olderThanMs: number,
    batchSize: number,
  ): Promise<number> {
    let purged = 0;
    for (;;) {
      const r = await this.options.dataSource.query<[unknown, number]>(statement, [
        String(olderThanMs),
        batchSize,
      ]);
      purged += r[1];
      if (r[1] < batchSize) return purged;
    }
  }
}

/** Orders bigint ids given as decimal strings (node-postgres returns bigint as text). */
function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
