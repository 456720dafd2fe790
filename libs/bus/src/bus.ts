import { type Context, context, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  createEvent,
  decodeEvent,
  deadLetterTopicOf,
  encodeEvent,
  type EventMetadata,
  EventValidationError,
  isTopicName,
  type KeelEvent,
  partitionKeyOf,
  type PayloadInput,
  type SelectorOf,
  selectorsOf,
  type TopicName,
  validateEvent,
} from '@keel/events';
import type {
  BusDriver,
  DeliveryControls,
  DriverConsumer,
  OutgoingRecord,
  RawMessage,
} from './driver';
import { type DeadLetterReason, NonRetryableError } from './errors';
import { Headers } from './headers';
import { type BusLogger, silentLogger } from './logger';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry';
import {
  contextFromTraceparent,
  currentTraceparent,
  injectTraceHeaders,
  startProcessSpan,
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

class StoppingError extends Error {
  override readonly name = 'StoppingError';
}

function handlerFor(map: HandlerMap, topic: TopicName): EventHandler<TopicName> | undefined {
  // Each entry is typed for its own topic; at dispatch the topic is only known at runtime.
  return (map as Partial<Record<TopicName, EventHandler<TopicName>>>)[topic];
}

export function defaultIsRetryable(error: unknown): boolean {
  return !(error instanceof NonRetryableError || error instanceof EventValidationError);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 2000);
  if (typeof error === 'object' && error !== null) {
    try {
      return JSON.stringify(error).slice(0, 2000);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }
  return String(error).slice(0, 2000);
}

/** Where the bus announces each dead letter (see `deadLetterNotice`). */
export const DEAD_LETTER_NOTICES = 'keel.message.dead-lettered.v1' satisfies TopicName;

/**
 * The announcement of a dead letter on `keel.message.dead-lettered.v1`, under
 * the original organization and correlation id (the operation id), so that the
 * owner of the operation can end it. None for a dead letter of that topic
 * itself (a consumer of the announcements that gives up must not announce
 * again: no loop) nor for a message without Keel headers. Throws
 * EventValidationError when the headers do not make a valid envelope.
 */
function deadLetterNotice(
  raw: RawMessage,
  group: string,
  reason: DeadLetterReason,
  error: unknown,
  attempts: number,
  failedAt: string,
): OutgoingRecord | null {
  const organizationId = raw.headers[Headers.organizationId];
  const correlationId = raw.headers[Headers.correlationId];
  if (raw.topic === DEAD_LETTER_NOTICES || !organizationId || !correlationId) return null;
  const eventId = raw.headers[Headers.eventId];
  const event = createEvent(
    DEAD_LETTER_NOTICES,
    {
      topic: raw.topic,
      group,
      reason,
      error: errorText(error),
      attempts,
      ...(eventId ? { eventId } : {}),
      partition: raw.partition,
      offset: raw.offset,
      failedAt,
    },
    {
      organizationId,
      correlationId,
      causationId: eventId ?? null,
      traceparent: raw.headers[Headers.traceparent] ?? null,
    },
  );
  return {
    topic: DEAD_LETTER_NOTICES,
    key: partitionKeyOf(DEAD_LETTER_NOTICES, event),
    value: encodeEvent(event),
    headers: {
      ...envelopeHeaders(event, DEAD_LETTER_NOTICES),
      ...(event.traceparent ? { [Headers.traceparent]: event.traceparent } : {}),
    },
  };
}

/**
 * The headers every Keel event carries: id, type@version, organization and correlation,
 * and its selector tokens where its topic declares them.
 */
function envelopeHeaders(event: KeelEvent<TopicName>, topic: TopicName): Record<string, string> {
  const headers: Record<string, string> = {
    [Headers.eventId]: event.id,
    [Headers.eventType]: `${event.type}@${event.version}`,
    [Headers.organizationId]: event.organizationId,
    [Headers.correlationId]: event.correlationId,
  };
  const selectors = selectorsOf(topic, event);
  if (selectors && selectors.length > 0) headers[Headers.selectors] = selectors.join(' ');
  return headers;
}

/**
 * Whether a message is of interest to a subscription that handles only `wanted` of its
 * topic's selector tokens: yes without a filter or without the header, else when the
 * header names one of them.
 */
function selectedBy(
  wanted: ReadonlySet<string> | undefined,
  headers: Readonly<Record<string, string>>,
): boolean {
  if (!wanted) return true;
  const carried = headers[Headers.selectors];
  if (carried === undefined) return true;
  for (const token of carried.split(' ')) if (wanted.has(token)) return true;
  return false;
}

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

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const topics = Object.keys(options.handlers).filter(isTopicName);
    if (topics.length === 0) throw new Error(`subscribe(${options.group}): no handlers`);
    const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
    const isRetryable = options.isRetryable ?? defaultIsRetryable;
    const only = new Map<string, ReadonlySet<string>>(
      Object.entries(options.only ?? {}).map(([t, tokens]) => [t, new Set<string>(tokens)]),
    );
    let stopping = false;
    const wakeups = new Set<() => void>();

    const sleep = async (ms: number, controls: DeliveryControls): Promise<void> => {
      const until = Date.now() + ms;
      while (!stopping && Date.now() < until) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(t);
            wakeups.delete(done);
            resolve();
          };
          const t = setTimeout(done, Math.min(1_000, until - Date.now()));
          wakeups.add(done);
        });
        await controls.heartbeat();
      }
    };

    const handle = async (raw: RawMessage, controls: DeliveryControls): Promise<void> => {
      const replayFor = raw.headers[Headers.replayForGroup];
      if (replayFor !== undefined && replayFor !== options.group) return;
      const topic = raw.topic as TopicName;
      const handler = handlerFor(options.handlers, topic);
      if (!handler || !selectedBy(only.get(topic), raw.headers)) return;
      const { span, ctx } = startProcessSpan(topic, options.group, raw.headers, {
        'messaging.destination.partition.id': String(raw.partition),
        'messaging.kafka.offset': raw.offset,
      });
      try {
        let event: KeelEvent<TopicName>;
        try {
          event = decodeEvent(topic, raw.value);
          span.setAttribute('messaging.message.id', event.id);
        } catch (err) {
          await this.deadLetter(raw, options.group, 'malformed', err, 0);
          span.setStatus({ code: SpanStatusCode.ERROR, message: 'malformed: dead-lettered' });
          return;
        }
        for (let attempt = 1; ; attempt++) {
          if (stopping) throw new StoppingError('subscription stopping');
          try {
            const consumeCtx: ConsumeContext = {
              topic,
              group: options.group,
              partition: raw.partition,
              offset: raw.offset,
              key: raw.key,
              attempt,
              headers: raw.headers,
              traceparent: currentTraceparent(ctx),
              traceContext: ctx,
            };
            await context.with(ctx, () => handler(event, consumeCtx));
            return;
          } catch (err) {
            if (err instanceof StoppingError) throw err;
            span.recordException(err instanceof Error ? err : new Error(String(err)));
            if (!isRetryable(err)) {
              await this.deadLetter(raw, options.group, 'rejected', err, attempt);
              span.setStatus({ code: SpanStatusCode.ERROR, message: 'rejected: dead-lettered' });
              return;
            }
            if (attempt >= policy.maxAttempts) {
              await this.deadLetter(raw, options.group, 'retries-exhausted', err, attempt);
              span.setStatus({
                code: SpanStatusCode.ERROR,
                message: 'retries exhausted: dead-lettered',
              });
              return;
            }
            const delay = backoffDelay(policy, attempt);
            this.logger.warn(
              {
                topic,
                group: options.group,
                eventId: event.id,
                attempt,
                delayMs: delay,
                err: errorText(err),
              },
              'handler failed; retrying',
            );
            await sleep(delay, controls);
          }
        }
      } finally {
        span.end();
      }
    };

    const consumer: DriverConsumer = await this.driver.consume({
      group: options.group,
      topics,
      fromBeginning: options.fromBeginning ?? true,
      handle,
    });
    const subscription: Subscription = {
      group: options.group,
      ready: consumer.ready,
      stop: async () => {
        stopping = true;
        for (const w of [...wakeups]) w();
        this.subscriptions.delete(subscription);
        await consumer.stop();
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async deadLetter(
    raw: RawMessage,
    group: string,
    reason: DeadLetterReason,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const topic = raw.topic as TopicName;
    const dlq = isTopicName(topic) ? deadLetterTopicOf(topic) : `${raw.topic}.dlq`;
    this.logger.error(
      { topic, group, partition: raw.partition, offset: raw.offset, reason, err: errorText(error) },
      'dead-lettering message',
    );
    const failedAt = new Date().toISOString();
    const records: OutgoingRecord[] = [
      {
        topic: dlq,
        key: raw.key ?? '',
        value: raw.value ?? '',
        headers: {
          ...raw.headers,
          [Headers.dlqReason]: reason,
          [Headers.dlqError]: errorText(error),
          [Headers.dlqGroup]: group,
          [Headers.dlqTopic]: raw.topic,
          [Headers.dlqPartition]: String(raw.partition),
          [Headers.dlqOffset]: raw.offset,
          [Headers.dlqAttempts]: String(attempts),
          [Headers.dlqFailedAt]: failedAt,
        },
      },
    ];
    try {
      const notice = deadLetterNotice(raw, group, reason, error, attempts, failedAt);
      if (notice) records.push(notice);
    } catch (err) {
      // Headers a notice cannot carry (not a Keel event): the dead letter alone still goes out.
      this.logger.warn({ topic, group, err: errorText(err) }, 'dead letter not announced');
    }
    await this.driver.send(records);
  }

  /** Stops every subscription, then closes the driver. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.driver.close();
  }
}
