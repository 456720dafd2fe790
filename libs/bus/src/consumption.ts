import { context, type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  createEvent,
  decodeEvent,
  deadLetterTopicOf,
  encodeEvent,
  EventValidationError,
  isTopicName,
  type KeelEvent,
  partitionKeyOf,
  type TopicName,
} from '@keel/events';
import type { ConsumeContext, EventHandler, HandlerMap, SubscribeOptions } from './bus';
import { envelopeHeaders } from './envelope';
import type { BusDriver, DeliveryControls, OutgoingRecord, RawMessage } from './driver';
import { type DeadLetterReason, NonRetryableError } from './errors';
import { Headers } from './headers';
import type { BusLogger } from './logger';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry';
import { currentTraceparent, startProcessSpan } from './tracing';

/** One record of a batch delivery, as the handlers' shared participants see it. */
export interface BatchRecord {
  readonly eventId: string;
  readonly topic: TopicName;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Something the handlers of one batch share (`@keel/persistence`: one database transaction
 * per data source). Each record's handler does its part inside it; when every handler of
 * the batch ran, the bus finishes each participant once.
 */
export interface BatchParticipant {
  /**
   * Makes the batch's work durable (commits). `succeeded`: event ids whose handler resolved;
   * the work of the others must not stay. A rejection fails the whole batch: each record is
   * then delivered again on its own.
   */
  finish(succeeded: ReadonlySet<string>): Promise<void>;
  /** The batch ends without `finish` (the subscription stops, or another participant failed): undo. */
  abandon(): Promise<void>;
}

/**
 * A batch delivery (`ConsumeContext.batch`): the records of one partition handed over
 * together, at most one per key, each to its handler in turn.
 */
export interface DeliveryBatch {
  readonly group: string;
  /** Every record of the batch, in offset order. */
  readonly records: readonly BatchRecord[];
  /** The participant of `owner` (e.g. a DataSource) in this batch, made by `open` on first use. */
  join<P extends BatchParticipant>(owner: object, open: () => P): P;
  /** Runs once the participants finished (committed) and before the offsets are committed. */
  afterCommit(callback: () => void | Promise<void>): void;
}

class Batch implements DeliveryBatch {
  private readonly participants = new Map<object, BatchParticipant>();
  private readonly callbacks: (() => void | Promise<void>)[] = [];
  private settled = false;

  constructor(
    readonly group: string,
    readonly records: readonly BatchRecord[],
  ) {}

  join<P extends BatchParticipant>(owner: object, open: () => P): P {
    if (this.settled) throw new Error('the batch is already finished');
    let participant = this.participants.get(owner);
    if (!participant) this.participants.set(owner, (participant = open()));
    return participant as P;
  }

  afterCommit(callback: () => void | Promise<void>): void {
    this.callbacks.push(callback);
  }

  /** Finishes every participant; on the first failure abandons the rest and rethrows. */
  async finish(succeeded: ReadonlySet<string>): Promise<void> {
    this.settled = true;
    const participants = [...this.participants.values()];
    for (const [i, participant] of participants.entries()) {
      try {
        await participant.finish(succeeded);
      } catch (err) {
        await this.abandon(participants.slice(i + 1));
        throw err;
      }
    }
    for (const callback of this.callbacks) await callback();
  }

  async abandon(participants = [...this.participants.values()]): Promise<void> {
    this.settled = true;
    for (const p of participants) await p.abandon().catch(() => undefined);
  }
}

export class StoppingError extends Error {
  override readonly name = 'StoppingError';
}

export function errorText(error: unknown): string {
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

export function defaultIsRetryable(error: unknown): boolean {
  return !(error instanceof NonRetryableError || error instanceof EventValidationError);
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

function handlerFor(map: HandlerMap, topic: TopicName): EventHandler<TopicName> | undefined {
  // Each entry is typed for its own topic; at dispatch the topic is only known at runtime.
  return (map as Partial<Record<TopicName, EventHandler<TopicName>>>)[topic];
}

/** One message on its way to its handler: decoded, with its consume span open. */
interface Delivery {
  readonly raw: RawMessage;
  readonly topic: TopicName;
  readonly event: KeelEvent<TopicName>;
  readonly handler: EventHandler<TopicName>;
  readonly span: Span;
  readonly traceContext: ReturnType<typeof startProcessSpan>['ctx'];
}

type Outcome = 'retry' | 'done';

/**
 * How one subscription turns the driver's messages into handler calls, in named steps:
 * `admit` (replay group, handler, selectors), `open` (span, decode; a malformed message is
 * dead-lettered), `invoke` (one handler call), `settle` (after a failure: dead-letter, or
 * back off for a retry), `deliverAlone` (the retry loop of one message) and `deliverBatch`
 * (every handler of a batch once, the batch's participants finished together, then the
 * failed records alone).
 */
export class Consumption {
  private readonly policy: RetryPolicy;
  private readonly isRetryable: (error: unknown) => boolean;
  private readonly only: Map<string, ReadonlySet<string>>;
  private stopping = false;
  private readonly wakeups = new Set<() => void>();

  constructor(
    private readonly options: SubscribeOptions,
    private readonly driver: BusDriver,
    private readonly logger: BusLogger,
  ) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.isRetryable = options.isRetryable ?? defaultIsRetryable;
    this.only = new Map(
      Object.entries(options.only ?? {}).map(([t, tokens]) => [t, new Set<string>(tokens)]),
    );
  }

  get group(): string {
    return this.options.group;
  }

  /** Stops retrying and waiting: in-flight deliveries end with StoppingError (not committed). */
  stop(): void {
    this.stopping = true;
    for (const wake of [...this.wakeups]) wake();
  }

  /** The driver's per-message entry point. */
  readonly handleOne = async (raw: RawMessage, controls: DeliveryControls): Promise<void> => {
    const delivery = await this.open(raw);
    if (!delivery) return;
    try {
      await this.deliverAlone(delivery, controls);
    } finally {
      delivery.span.end();
    }
  };

  /** The driver's batch entry point. */
  readonly handleBatch = async (
    raws: readonly RawMessage[],
    controls: DeliveryControls,
  ): Promise<void> => {
    const deliveries: Delivery[] = [];
    try {
      for (const raw of raws) {
        const delivery = await this.open(raw);
        if (delivery) deliveries.push(delivery);
      }
      if (deliveries.length === 1) await this.deliverAlone(deliveries[0]!, controls);
      else if (deliveries.length > 1) await this.deliverBatch(deliveries, controls);
    } finally {
      for (const d of deliveries) d.span.end();
    }
  };

  private admit(raw: RawMessage): EventHandler<TopicName> | undefined {
    const replayFor = raw.headers[Headers.replayForGroup];
    if (replayFor !== undefined && replayFor !== this.options.group) return undefined;
    const topic = raw.topic as TopicName;
    const handler = handlerFor(this.options.handlers, topic);
    if (!handler || !selectedBy(this.only.get(topic), raw.headers)) return undefined;
    return handler;
  }

  private async open(raw: RawMessage): Promise<Delivery | null> {
    const handler = this.admit(raw);
    if (!handler) return null;
    const topic = raw.topic as TopicName;
    const { span, ctx } = startProcessSpan(topic, this.options.group, raw.headers, {
      'messaging.destination.partition.id': String(raw.partition),
      'messaging.kafka.offset': raw.offset,
    });
    try {
      const event = decodeEvent(topic, raw.value);
      span.setAttribute('messaging.message.id', event.id);
      return { raw, topic, event, handler, span, traceContext: ctx };
    } catch (err) {
      try {
        await this.deadLetter(raw, 'malformed', err, 0);
        span.setStatus({ code: SpanStatusCode.ERROR, message: 'malformed: dead-lettered' });
      } finally {
        span.end();
      }
      return null;
    }
  }

  private async invoke(d: Delivery, attempt: number, batch?: DeliveryBatch): Promise<void> {
    if (this.stopping) throw new StoppingError('subscription stopping');
    const consumeCtx: ConsumeContext = {
      topic: d.topic,
      group: this.options.group,
      partition: d.raw.partition,
      offset: d.raw.offset,
      key: d.raw.key,
      attempt,
      headers: d.raw.headers,
      traceparent: currentTraceparent(d.traceContext),
      traceContext: d.traceContext,
      ...(batch ? { batch } : {}),
    };
    await context.with(d.traceContext, () => d.handler(d.event, consumeCtx));
  }

  /** After attempt `attempt` failed with `err`: dead-letters it (done) or waits out the backoff (retry). */
  private async settle(
    d: Delivery,
    err: unknown,
    attempt: number,
    controls: DeliveryControls,
  ): Promise<Outcome> {
    d.span.recordException(err instanceof Error ? err : new Error(String(err)));
    if (!this.isRetryable(err)) {
      await this.deadLetter(d.raw, 'rejected', err, attempt);
      d.span.setStatus({ code: SpanStatusCode.ERROR, message: 'rejected: dead-lettered' });
      return 'done';
    }
    if (attempt >= this.policy.maxAttempts) {
      await this.deadLetter(d.raw, 'retries-exhausted', err, attempt);
      d.span.setStatus({ code: SpanStatusCode.ERROR, message: 'retries exhausted: dead-lettered' });
      return 'done';
    }
    const delayMs = backoffDelay(this.policy, attempt);
    this.logger.warn(
      {
        topic: d.topic,
        group: this.options.group,
        eventId: d.event.id,
        attempt,
        delayMs,
        err: errorText(err),
      },
      'handler failed; retrying',
    );
    await this.sleep(delayMs, controls);
    return 'retry';
  }

  /** Calls the handler until it succeeds or the message is dead-lettered; `failed`: attempt 1 already failed so. */
  private async deliverAlone(
    d: Delivery,
    controls: DeliveryControls,
    failed?: { readonly error: unknown },
  ): Promise<void> {
    let attempt = 1;
    if (failed) {
      if ((await this.settle(d, failed.error, 1, controls)) === 'done') return;
      attempt = 2;
    }
    for (; ; attempt++) {
      try {
        await this.invoke(d, attempt);
        return;
      } catch (err) {
        if (err instanceof StoppingError) throw err;
        if ((await this.settle(d, err, attempt, controls)) === 'done') return;
      }
    }
  }

  /**
   * Every handler once, in offset order, with the batch in its context; then the batch's
   * participants finish together (one commit). A record whose handler failed goes on alone
   * afterwards (retried or dead-lettered as any message): the others do not wait for it.
   * If the batch cannot finish, every record goes on alone from its first attempt.
   */
  private async deliverBatch(deliveries: readonly Delivery[], controls: DeliveryControls) {
    const batch = new Batch(
      this.options.group,
      deliveries.map((d) => ({
        eventId: d.event.id,
        topic: d.topic,
        partition: d.raw.partition,
        offset: d.raw.offset,
      })),
    );
    const failures = new Map<Delivery, { readonly error: unknown }>();
    let finished = false;
    try {
      for (const d of deliveries) {
        try {
          await this.invoke(d, 1, batch);
        } catch (error) {
          if (error instanceof StoppingError) throw error;
          failures.set(d, { error });
        }
      }
      const succeeded = new Set(deliveries.filter((d) => !failures.has(d)).map((d) => d.event.id));
      try {
        finished = true;
        await batch.finish(succeeded);
      } catch (err) {
        this.logger.warn(
          { group: this.options.group, records: deliveries.length, err: errorText(err) },
          'batch did not commit; delivering its records one by one',
        );
        for (const d of deliveries) await this.deliverAlone(d, controls);
        return;
      }
    } finally {
      if (!finished) await batch.abandon();
    }
    for (const [d, failure] of failures) await this.deliverAlone(d, controls, failure);
  }

  private async sleep(ms: number, controls: DeliveryControls): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(t);
          this.wakeups.delete(done);
          resolve();
        };
        const t = setTimeout(done, Math.min(1_000, until - Date.now()));
        this.wakeups.add(done);
      });
      await controls.heartbeat();
    }
  }

  private async deadLetter(
    raw: RawMessage,
    reason: DeadLetterReason,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const group = this.options.group;
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
}
