import { type Context, context, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  createEvent,
  encodeEvent,
  type EventMetadata,
  type KeelEvent,
  partitionKeyOf,
  type PayloadInput,
  type SelectorOf,
  type TopicName,
  validateEvent,
  isTopicName,
} from '@keel/events';
import { Consumption, type DeliveryBatch, errorText } from './consumption';
import type { BatchLimits, BusDriver, DriverConsumer, OutgoingRecord } from './driver';
import { envelopeHeaders } from './envelope';
import { type BusLogger, silentLogger } from './logger';
import type { RetryPolicy } from './retry';
import {
  contextFromTraceparent,
  currentTraceparent,
  injectTraceHeaders,
  startPublishSpan,
} from './tracing';

/** What a handler learns about the delivery besides the event. */
export interface ConsumeContext {
  readonly topic: TopicName;
  readonly group: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  /** 1 on first delivery to this handler invocation loop, then 2, 3… on retries. */
  readonly attempt: number;
  readonly headers: Readonly<Record<string, string>>;
  /** traceparent of the consume span: stamp it on events this handler causes. */
  readonly traceparent: string | null;
  /** OpenTelemetry context of the consume span. */
  readonly traceContext: Context;
  /**
   * Set when the record came in a batch: what its handler shares with the other records'
   * handlers (`withInbox` does all of their work in one transaction, committed when every
   * record of the batch was handled). Undefined for a record delivered alone (a retry).
   */
  readonly batch?: DeliveryBatch;
}

export type EventHandler<T extends TopicName> = (
  event: KeelEvent<T>,
  ctx: ConsumeContext,
) => Promise<void>;

/** Typed handlers by topic: the handler of a topic receives that topic's payload type. */
export type HandlerMap = { readonly [T in TopicName]?: EventHandler<T> };

/** Per topic, the selector tokens a subscription handles (see `SubscribeOptions.only`). */
export type SelectorMap = { readonly [T in TopicName]?: readonly SelectorOf<T>[] };

export interface SubscribeOptions {
  /** Consumer group: each event is handled by one member of each group. */
  readonly group: string;
  readonly handlers: HandlerMap;
  readonly retry?: Partial<RetryPolicy>;
  /** Where a new group starts; default earliest, so nothing published before the first deploy is missed. */
  readonly fromBeginning?: boolean;
  /** Override the retryable/poison classification; default: NonRetryableError and EventValidationError are poison. */
  readonly isRetryable?: (error: unknown) => boolean;
  /**
   * Per topic, the selector tokens this subscription acts on (the catalog's `selectors`, e.g.
   * `status:CANCELLED`). A message whose `keel-selectors` header names none of them is passed
   * over (its offset committed) without being decoded, validated, traced or handled. A
   * message without the header (its topic or event names no selectors, or it was published
   * before they existed) is always handled, so a handler keeps its own check too.
   */
  readonly only?: SelectorMap;
  /**
   * Batch limits for this subscription (the driver's, else `defaultBatchLimits`), or false
   * to have every message delivered alone.
   */
  readonly batch?: Partial<BatchLimits> | false;
}

export interface Subscription {
  readonly group: string;
  readonly ready: Promise<void>;
  /** Finishes in-flight messages (committing them) and leaves the group. */
  stop(): Promise<void>;
}

/** A pre-built event to publish (used by the outbox relay). */
export interface PublishItem {
  readonly topic: TopicName;
  readonly event: KeelEvent<TopicName>;
  /** Partition key; defaults to the catalog key of the topic. */
  readonly key?: string;
}

export interface EventBusOptions {
  readonly logger?: BusLogger;
}

export { DEAD_LETTER_NOTICES, defaultIsRetryable } from './consumption';

/**
 * Typed publish/subscribe over a driver. Validates every event against the
 * catalog when publishing and when consuming, carries W3C trace context in
 * headers, retries retryable failures with bounded exponential backoff and
 * dead-letters poison messages to `<topic>.dlq`. A message's offset is
 * committed only after its handler succeeded (or it was dead-lettered).
 */
export class EventBus {
  private readonly logger: BusLogger;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    readonly driver: BusDriver,
    options: EventBusOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Builds, validates and publishes one event. Prefer the transactional
   * outbox (@keel/persistence) for events caused by a state change; direct
   * publish is for producers without a database (gateway ingress, tools).
   */
  async publish<T extends TopicName>(
    topic: T,
    payload: PayloadInput<T>,
    meta: EventMetadata,
  ): Promise<KeelEvent<T>> {
    const event = createEvent(topic, payload, {
      ...meta,
      traceparent: meta.traceparent !== undefined ? meta.traceparent : currentTraceparent(),
    });
    await this.publishEvents([{ topic, event }]);
    return event;
  }

  /**
   * Publishes already-built events in the given order (per key). Each is
   * validated again; one invalid event refuses the whole batch.
   */
  async publishEvents(items: readonly PublishItem[]): Promise<void> {
    const records: OutgoingRecord[] = [];
    const spans = [];
    for (const item of items) {
      const event = validateEvent(item.topic, item.event);
      const parent: Context = event.traceparent
        ? contextFromTraceparent(event.traceparent)
        : context.active();
      const span = startPublishSpan(item.topic, parent, event.id);
      spans.push(span);
      const headers = envelopeHeaders(event, item.topic);
      injectTraceHeaders(trace.setSpan(parent, span), headers);
      records.push({
        topic: item.topic,
        key: item.key ?? partitionKeyOf(item.topic, event),
        value: encodeEvent(event),
        headers,
      });
    }
    try {
      await this.driver.send(records);
      for (const s of spans) s.end();
    } catch (err) {
      for (const s of spans) {
        s.setStatus({ code: SpanStatusCode.ERROR, message: errorText(err) });
        s.end();
      }
      throw err;
    }
  }

  /**
   * Joins `options.group` on the handlers' topics. The driver hands over batches (the
   * records of a batch reach their handlers one by one, with `ctx.batch` for the
   * participants they share, such as `withInbox`'s one transaction); `Consumption` does
   * the steps of a delivery: admit, decode, call, retry or dead-letter.
   */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const topics = Object.keys(options.handlers).filter(isTopicName);
    if (topics.length === 0) throw new Error(`subscribe(${options.group}): no handlers`);
    const consumption = new Consumption(options, this.driver, this.logger);
    const consumer: DriverConsumer = await this.driver.consume({
      group: options.group,
      topics,
      fromBeginning: options.fromBeginning ?? true,
      handle: consumption.handleOne,
      ...(options.batch === false ? {} : { handleBatch: consumption.handleBatch }),
      ...(options.batch ? { batch: options.batch } : {}),
    });
    const subscription: Subscription = {
      group: options.group,
      ready: consumer.ready,
      stop: async () => {
        consumption.stop();
        this.subscriptions.delete(subscription);
        await consumer.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Stops every subscription, then closes the driver. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.driver.close();
  }
}
