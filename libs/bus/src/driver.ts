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

export interface ConsumeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  /** Where a group with no committed offset starts: earliest (default) or latest. */
  readonly fromBeginning?: boolean;
  readonly handle: RawHandler;
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
