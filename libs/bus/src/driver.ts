/**
 * The transport under the bus. Drivers move bytes; validation, tracing,
 * retries and dead letters live once in `EventBus`, so every driver has the
 * same semantics. Only `kafka/` imports kafkajs.
 */

/** A message as stored on a topic partition. */
export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  /** Offset as a decimal string (Kafka offsets are int64). */
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly timestamp: string;
}

export interface OutgoingRecord {
  readonly topic: string;
  /** Records with the same key land on the same partition, in send order. */
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface DeliveryControls {
  /** Keeps group membership alive during a long handler or backoff. */
  heartbeat(): Promise<void>;
}

/**
 * Called once per message; messages with the same key one after another, in
 * offset order (a driver may overlap messages of different keys of one
 * partition, as the Kafka driver does). When it resolves the
 * driver commits the offset past the message; when it rejects the driver must
 * not commit and must deliver the same message again (to this or another
 * member of the group).
 */
export type RawHandler = (message: RawMessage, controls: DeliveryControls) => Promise<void>;

/**
 * Called with several messages of one partition at once, in offset order, at most one
 * message per key (a key's next message comes in a later call, after this one resolved).
 * When it resolves, every message of the call is done (handled or dead-lettered) and the
 * driver commits past them; when it rejects the driver commits none of them and delivers
 * them again.
 */
export type RawBatchHandler = (
  messages: readonly RawMessage[],
  controls: DeliveryControls,
) => Promise<void>;

/** How large a batch a driver hands to a {@link RawBatchHandler}. */
export interface BatchLimits {
  /** Messages in one call (default 100). */
  readonly maxRecords: number;
  /** Sum of the messages' value sizes in one call, in bytes (default 1 MiB; one larger message still goes alone). */
  readonly maxBytes: number;
  /**
   * How long a fetch may wait for more data before it answers (Kafka: the broker holds the
   * fetch until `maxBytes` arrived or this expired). Default 0: answer with what is there,
   * so a quiet topic gets no added latency and a busy one fills batches by itself.
   */
  readonly maxWaitMs: number;
}

export const defaultBatchLimits: BatchLimits = {
  maxRecords: 100,
  maxBytes: 1024 * 1024,
  maxWaitMs: 0,
};

/**
 * Cuts messages (one partition, offset order, distinct keys) into batches within the
 * limits, spread over at most `lanes` batches so that a small fetch still keeps that many
 * handlers busy at once.
 */
export function cutBatches<M extends { readonly value: { length: number } | null }>(
  messages: readonly M[],
  limits: Pick<BatchLimits, 'maxRecords' | 'maxBytes'>,
  lanes: number,
): M[][] {
  const size = Math.max(
    1,
    Math.min(limits.maxRecords, Math.ceil(messages.length / Math.max(1, lanes))),
  );
  const batches: M[][] = [];
  let current: M[] = [];
  let bytes = 0;
  for (const m of messages) {
    const length = m.value?.length ?? 0;
    if (current.length > 0 && (current.length >= size || bytes + length > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface ConsumeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: earliest (default) or latest. */
  readonly fromBeginning?: boolean;
  readonly handle: RawHandler;
  /**
   * When given, the driver hands over messages in batches (within `batch`) instead of one
   * by one, and `handle` is not called.
   */
  readonly handleBatch?: RawBatchHandler;
  readonly batch?: Partial<BatchLimits>;
}

export interface DriverConsumer {
  /** Resolves once the member has joined the group and been assigned partitions. */
  readonly ready: Promise<void>;
  /** Leaves the group after in-flight messages finish (their offsets are committed). */
  stop(): Promise<void>;
}

export interface BusDriver {
  readonly kind: 'kafka' | 'in-process';
  /** Publishes records; resolves when all are durably accepted, preserving order per key. */
  send(records: readonly OutgoingRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<DriverConsumer>;
  /** Reads a whole topic, from the beginning up to its current end (for dead-letter tooling). */
  readTopic(topic: string): Promise<RawMessage[]>;
  close(): Promise<void>;
}
