import type { BatchParticipant, ConsumeContext, DeliveryBatch, EventHandler } from '@keel/bus';
import type { KeelEvent, TopicName } from '@keel/events';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { inlineStatement, startTransactionWith } from './fused-statements';
import { type PendingEvent, restorePending, takePending, TransactionOutbox } from './outbox';
import { returnedRows } from './returned-rows';

/** What an inbox handler gets: the delivery context plus its transaction. */
export interface InboxContext extends ConsumeContext {
  /** EntityManager of the transaction that records the inbox row: use it for every effect. */
  readonly manager: EntityManager;
  /** Outbox in the same transaction, pre-filled from the event being handled. */
  readonly outbox: TransactionOutbox;
}

export type InboxHandler<T extends TopicName> = (
  event: KeelEvent<T>,
  ctx: InboxContext,
) => Promise<void>;

/**
 * Makes a handler idempotent: (consumer group, event id) is inserted into the
 * inbox in the same transaction as the handler's effects and the events it
 * causes. A redelivered event (crash before the offset commit, a relay
 * duplicate, a DLQ replay) finds its row and changes nothing. Two concurrent
 * deliveries of one event serialize on the inbox primary key.
 */
export function withInbox<T extends TopicName>(
  dataSource: DataSource,
  handler: InboxHandler<T>,
): EventHandler<T> {
  return async (event, ctx) => {
    if (ctx.batch?.records.some((r) => r.eventId === event.id)) {
      const batch = ctx.batch;
      const tx = batch.join(dataSource, () => new InboxBatchTransaction(dataSource, batch));
      await tx.run(event, ctx, handler);
      return;
    }
    // What DataSource.transaction does, with the inbox row sent in the same message as
    // START TRANSACTION (one round trip fewer for every event a service handles).
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      const inserted = await startTransactionWith(
        runner,
        inlineStatement(
          `INSERT INTO keel_inbox (consumer_group, event_id, topic, partition_no, offset_no)
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING event_id`,
          [ctx.group, event.id, ctx.topic, ctx.partition, ctx.offset],
        ),
      );
      if (inserted.length > 0) {
        await callHandler(runner, event, ctx, handler);
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  };
}

/**
 * Calls an inbox handler inside the runner's open transaction (or savepoint), with an outbox
 * whose events are caused by the delivered one.
 */
async function callHandler<T extends TopicName>(
  runner: QueryRunner,
  event: KeelEvent<T>,
  ctx: ConsumeContext,
  handler: InboxHandler<T>,
): Promise<void> {
  const manager = runner.manager;
  const outbox = new TransactionOutbox(manager, {
    organizationId: event.organizationId,
    correlationId: event.correlationId,
    causationId: event.id,
    traceparent: ctx.traceparent,
  });
  await handler(event, { ...ctx, batch: undefined, manager, outbox });
}

/**
 * `withInbox`'s part in a batch delivery: one transaction, on one connection, for the
 * handlers of every record of the batch. It opens with the batch's inbox rows in one
 * multi-row insert (the rows it did not insert are redeliveries: their handlers are not
 * called); each record's handler runs in its own savepoint, so a failing one is rolled back
 * alone (the bus then retries or dead-letters it on its own); the events they published
 * are written together, in one statement sent with the COMMIT. The inbox rows of records
 * whose handler did not succeed are deleted before the COMMIT, so their own delivery later
 * handles them.
 */
class InboxBatchTransaction implements BatchParticipant {
  private readonly runner: QueryRunner;
  /** Event ids whose inbox row this transaction inserted. */
  private readonly inserted: Promise<ReadonlySet<string>>;
  /** Of those, the ones whose handler has not been called yet. */
  private readonly unclaimed = new Set<string>();
  private readonly events: PendingEvent[] = [];
  private ended = false;

  constructor(
    dataSource: DataSource,
    private readonly batch: DeliveryBatch,
  ) {
    this.runner = dataSource.createQueryRunner();
    this.inserted = this.open();
    // Awaited by every run(); a failure here fails each record's handler, and finish().
    this.inserted.catch(() => undefined);
  }

  private async open(): Promise<ReadonlySet<string>> {
    await this.runner.connect();
    await this.runner.startTransaction();
    const records = this.batch.records;
    const result: unknown = await this.runner.manager.query(
      `INSERT INTO keel_inbox (consumer_group, event_id, topic, partition_no, offset_no)
       SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::integer[], $5::text[])
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.batch.group,
        records.map((r) => r.eventId),
        records.map((r) => r.topic),
        records.map((r) => r.partition),
        records.map((r) => r.offset),
      ],
    );
    const inserted = new Set(returnedRows<{ event_id: string }>(result).map((r) => r.event_id));
    for (const id of inserted) this.unclaimed.add(id);
    return inserted;
  }

  /** Handles one record of the batch in its own savepoint; rejects (rolled back) when its handler does. */
  async run(
    event: KeelEvent<TopicName>,
    ctx: ConsumeContext,
    handler: InboxHandler<TopicName>,
  ): Promise<void> {
    await this.inserted;
    // Not inserted here (processed before), or already handled in this batch: a no-op.
    if (!this.unclaimed.delete(event.id)) return;
    const runner = this.runner;
    await runner.startTransaction(); // SAVEPOINT
    try {
      await callHandler(runner, event, ctx, handler);
      // Kept for the one outbox statement at COMMIT, not written with this RELEASE.
      const events = takePending(runner);
      await runner.commitTransaction(); // RELEASE SAVEPOINT
      this.events.push(...events);
    } catch (err) {
      takePending(runner);
      if (runner.isTransactionActive) await runner.rollbackTransaction(); // ROLLBACK TO SAVEPOINT
      throw err;
    }
  }

  async finish(succeeded: ReadonlySet<string>): Promise<void> {
    try {
      const inserted = await this.inserted;
      const undone = [...inserted].filter((id) => !succeeded.has(id));
      if (undone.length > 0)
        await this.runner.query(
          `DELETE FROM keel_inbox WHERE consumer_group = $1 AND event_id = ANY($2::uuid[])`,
          [this.batch.group, undone],
        );
      restorePending(this.runner, this.events);
      await this.runner.commitTransaction();
    } catch (err) {
      await this.abandon();
      throw err;
    } finally {
      await this.end();
    }
  }

  async abandon(): Promise<void> {
    await this.inserted.catch(() => undefined);
    if (!this.ended && this.runner.isTransactionActive)
      await this.runner.rollbackTransaction().catch(() => undefined);
    await this.end();
  }

  private async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.runner.release();
  }
}

/** Whether a consumer group has processed an event. */
export async function inboxContains(
  dataSource: DataSource,
  group: string,
  eventId: string,
): Promise<boolean> {
  const rows = await dataSource.query<unknown[]>(
    `SELECT 1 FROM keel_inbox WHERE consumer_group = $1 AND event_id = $2`,
    [group, eventId],
  );
  return rows.length > 0;
}

/**
 * Runs a state change with its outbox in one transaction, for producers that
 * are not consumers (the gateway accepting an HTTP request).
 */
export async function inTransaction<R>(
  dataSource: DataSource,
  defaults: ConstructorParameters<typeof TransactionOutbox>[1],
  work: (tx: { manager: EntityManager; outbox: TransactionOutbox }) => Promise<R>,
): Promise<R> {
  return dataSource.transaction((manager) =>
    work({ manager, outbox: new TransactionOutbox(manager, defaults) }),
  );
}
