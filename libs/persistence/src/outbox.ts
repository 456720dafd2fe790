import { currentTraceparent } from '@keel/bus';
import {
  createEvent,
  type EventMetadata,
  type KeelEvent,
  partitionKeyOf,
  type PayloadInput,
  type TopicName,
} from '@keel/events';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { closeWith, inlineStatement, type SqlValue } from './fused-statements';

/** Advisory-lock namespaces (first key of the two-int form). */
export const LOCK_NS_OUTBOX_WRITER = 0x6b6f7701;
export const LOCK_NS_OUTBOX_RELAY = 0x6b6f7702;

export class OutboxOutsideTransactionError extends Error {
  override readonly name = 'OutboxOutsideTransactionError';
}

/**
 * Writes events into the outbox with the EntityManager of the transaction
 * that changes the state, so both commit or neither does.
 *
 * Writers of the same partition key are serialized with a transaction-scoped
 * advisory lock: outbox ids then follow commit order per key, which is the
 * order the relay publishes in. The locks (taken in key order, so two writers
 * never deadlock) and the rows go in one statement: one round trip per call.
 */
export async function enqueueEvents(
  manager: EntityManager,
  items: readonly { topic: TopicName; event: KeelEvent<TopicName>; key?: string }[],
): Promise<void> {
  assertInTransaction(manager);
  if (items.length === 0) return;
  // Tells the relay of this data source, once the transaction commits, that there is work.
  markOutboxWritten(manager.queryRunner!);
  const { text, values } = outboxInsert(items);
  await manager.query(text, values as unknown[]);
}

/**
 * The statement writing these events: the writer locks of their keys (taken in key order,
 * so two writers never deadlock) and the rows, in one statement. The uncorrelated
 * sub-select is a one-time filter: every lock is held before the first row.
 */
function outboxInsert(
  items: readonly { topic: TopicName; event: KeelEvent<TopicName>; key?: string }[],
): { text: string; values: SqlValue[] } {
  const rows = items.map((i) => ({
    topic: i.topic,
    key: i.key ?? partitionKeyOf(i.topic, i.event),
    event: i.event,
  }));
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  return {
    text: `WITH locks AS MATERIALIZED (
       SELECT pg_advisory_xact_lock($1::int, hashtext(k)) FROM unnest($2::text[]) AS k ORDER BY k
     )
     INSERT INTO keel_outbox (event_id, topic, partition_key, event)
     SELECT * FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[])
     WHERE (SELECT count(*) FROM locks) >= 0`,
    values: [
      LOCK_NS_OUTBOX_WRITER,
      keys,
      rows.map((r) => r.event.id),
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => JSON.stringify(r.event)),
    ],
  };
}

function assertInTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new OutboxOutsideTransactionError(
      'outbox writes must use the EntityManager of an open transaction (dataSource.transaction(...))',
    );
  }
}

const OUTBOX_WRITTEN = 'keelOutboxWritten';
const OUTBOX_PENDING = 'keelOutboxPending';

export type PendingEvent = { topic: TopicName; event: KeelEvent<TopicName> };

function markOutboxWritten(runner: QueryRunner): void {
  (runner.data as Record<string, unknown>)[OUTBOX_WRITTEN] = true;
}

/** Whether the transaction of this runner wrote outbox rows; clears the mark. */
export function takeOutboxWritten(runner: QueryRunner | undefined): boolean {
  if (!runner) return false;
  const data = runner.data as Record<string, unknown>;
  const written = data[OUTBOX_WRITTEN] === true;
  if (written) delete data[OUTBOX_WRITTEN];
  return written;
}

/** Takes the events published in this runner's transaction since the last flush (they are not written). */
export function takePending(runner: QueryRunner | undefined): PendingEvent[] {
  if (!runner) return [];
  const data = runner.data as Record<string, unknown>;
  const pending = (data[OUTBOX_PENDING] as PendingEvent[] | undefined) ?? [];
  delete data[OUTBOX_PENDING];
  return pending;
}

/** Adds events to this runner's transaction, to be written with the next flush or its COMMIT. */
export function restorePending(runner: QueryRunner, events: readonly PendingEvent[]): void {
  if (events.length === 0) return;
  flushOnCommit(runner.connection);
  const data = runner.data as Record<string, unknown>;
  ((data[OUTBOX_PENDING] ??= []) as PendingEvent[]).push(...events);
}

/** Writes the events published in this transaction so far (one statement); a no-op without any. */
export async function flushOutbox(runner: QueryRunner | undefined): Promise<void> {
  const pending = takePending(runner);
  if (runner && pending.length > 0) await enqueueEvents(runner.manager, pending);
}

/**
 * Sends the events published in this transaction with its COMMIT (or the RELEASE of a
 * nested transaction's savepoint): one round trip for both.
 */
function writeWithCommit(runner: QueryRunner | undefined): void {
  const pending = takePending(runner);
  if (!runner || pending.length === 0) return;
  markOutboxWritten(runner);
  const { text, values } = outboxInsert(pending);
  closeWith(runner, inlineStatement(text, values));
}

const flushingSources = new WeakSet<DataSource>();

/**
 * Events published through a TransactionOutbox are validated at once and
 * written when their transaction commits, all of them in one statement: a
 * handler that publishes five events pays one round trip, not ten, and that
 * statement travels in the COMMIT's message (a failure aborts the COMMIT and
 * rolls the transaction back, events and state together); a nested transaction
 * writes the outer events before its savepoint, and a rollback discards what
 * was published since the last flush.
 */
function flushOnCommit(dataSource: DataSource): void {
  if (flushingSources.has(dataSource)) return;
  flushingSources.add(dataSource);
  const flusher: EntitySubscriberInterface = {
    beforeTransactionStart: (e) => flushOutbox(e.queryRunner),
    beforeTransactionCommit: (e) => writeWithCommit(e.queryRunner),
    beforeTransactionRollback: (e) => {
      // (A statement deferred with closeWith is forgotten by the ROLLBACK itself.)
      takePending(e.queryRunner);
    },
  };
  dataSource.subscribers.push(flusher);
}

/** Defaults applied to events written through a TransactionOutbox. */
export interface OutboxDefaults {
  readonly organizationId?: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly traceparent?: string | null;
}

/**
 * The outbox bound to one transaction. In an inbox handler it is pre-filled
 * from the event being handled: same organization and correlation (operation)
 * id, causation = that event, trace = the consume span.
 */
export class TransactionOutbox {
  private readonly pending: { topic: TopicName; event: KeelEvent<TopicName> }[] = [];

  constructor(
    readonly manager: EntityManager,
    private readonly defaults: OutboxDefaults = {},
  ) {}

  /** Validates one event and adds it to this transaction (written before COMMIT); returns it. */
  async publish<T extends TopicName>(
    topic: T,
    payload: PayloadInput<T>,
    meta: Partial<EventMetadata> = {},
  ): Promise<KeelEvent<T>> {
    const organizationId = meta.organizationId ?? this.defaults.organizationId;
    const correlationId = meta.correlationId ?? this.defaults.correlationId;
    if (!organizationId || !correlationId) {
      throw new TypeError(
        `outbox.publish(${topic}): organizationId and correlationId are required`,
      );
    }
    assertInTransaction(this.manager);
    const event = createEvent(topic, payload, {
      ...meta,
      organizationId,
      correlationId,
      causationId:
        meta.causationId !== undefined ? meta.causationId : (this.defaults.causationId ?? null),
      traceparent:
        meta.traceparent !== undefined
          ? meta.traceparent
          : this.defaults.traceparent !== undefined
            ? this.defaults.traceparent
            : currentTraceparent(),
    });
    const runner = this.manager.queryRunner!;
    flushOnCommit(this.manager.connection);
    const data = runner.data as Record<string, unknown>;
    ((data[OUTBOX_PENDING] ??= []) as PendingEvent[]).push({ topic, event });
    this.pending.push({ topic, event: event });
    return event;
  }

  /** Events written so far in this transaction. */
  get written(): readonly { topic: TopicName; event: KeelEvent<TopicName> }[] {
    return this.pending;
  }
}
