import { currentTraceparent } from '@keel/bus';
import {
  createEvent,
  type EventMetadata,
  type KeelEvent,
  partitionKeyOf,
  type PayloadInput,
  type TopicName,
} from '@keel/events';
import type { EntityManager, QueryRunner } from 'typeorm';

/** Advisory-lock namespaces (first key of the two-int form). */
export const LOCK_NS_OUTBOX_WRITER = 0x6b6f7701;
export const LOCK_NS_OUTBOX_RELAY = 0x6b6f7702;

export class OutboxOutsideTransactionError extends Error {
  override readonly name = 'OutboxOutsideTransactionError';
}

/**
 * Writes events into the outbox with the EntityManager of the transaction
 * that changes the state, so both commit or neither does. The payload is
 * validated against the catalog here (refused at the producer).
 *
 * Writers of the same partition key are serialized with a transaction-scoped
 * advisory lock: outbox ids then follow commit order per key, which is the
 * order the relay publishes in.
 */
export async function enqueueEvents(
  manager: EntityManager,
  items: readonly { topic: TopicName; event: KeelEvent<TopicName>; key?: string }[],
): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new OutboxOutsideTransactionError(
      'outbox writes must use the EntityManager of an open transaction (dataSource.transaction(...))',
    );
  }
  if (items.length === 0) return;
  const rows = items.map((i) => ({
    topic: i.topic,
    key: i.key ?? partitionKeyOf(i.topic, i.event),
    event: i.event,
  }));
  // Tells the relay of this data source, once the transaction commits, that there is work.
  markOutboxWritten(manager.queryRunner);
  const keys = [...new Set(rows.map((r) => r.key))].sort();
  await manager.query(
    `SELECT pg_advisory_xact_lock($1::int, hashtext(k)) FROM unnest($2::text[]) AS k ORDER BY k`,
    [LOCK_NS_OUTBOX_WRITER, keys],
  );
  await manager.query(
    `INSERT INTO keel_outbox (event_id, topic, partition_key, event)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`,
    [
      rows.map((r) => r.event.id),
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => JSON.stringify(r.event)),
    ],
  );
}

const OUTBOX_WRITTEN = 'keelOutboxWritten';

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

  /** Validates and writes one event in this transaction; returns it. */
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
    await enqueueEvents(this.manager, [{ topic, event: event }]);
    this.pending.push({ topic, event: event });
    return event;
  }

  /** Events written so far in this transaction. */
  get written(): readonly { topic: TopicName; event: KeelEvent<TopicName> }[] {
    return this.pending;
  }
}
