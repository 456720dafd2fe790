import type { ConsumeContext, EventHandler } from '@keel/bus';
import type { KeelEvent, TopicName } from '@keel/events';
import type { DataSource, EntityManager } from 'typeorm';
import { inlineStatement, startTransactionWith } from './fused-statements';
import { TransactionOutbox } from './outbox';

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
        const manager = runner.manager;
        const outbox = new TransactionOutbox(manager, {
          organizationId: event.organizationId,
          correlationId: event.correlationId,
          causationId: event.id,
          traceparent: ctx.traceparent,
        });
        await handler(event, { ...ctx, manager, outbox });
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
