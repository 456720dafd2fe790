import type { z } from 'zod';
import {
  catalog,
  type PayloadInput,
  type PayloadOf,
  type SelectorOf,
  type TopicName,
} from './catalog';
import { envelopeSchema, type EventEnvelope, newEventId } from './envelope';

/** A typed event of a catalog topic. */
export type KeelEvent<T extends TopicName> = EventEnvelope<PayloadOf<T>>;

/** Why an event was refused: which topic, and each schema issue as `path: message`. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(
    readonly topic: string,
    readonly part: 'envelope' | 'payload' | 'encoding',
    readonly issues: readonly string[],
  ) {
    super(`invalid ${part} for ${topic}: ${issues.join('; ')}`);
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

export interface EventMetadata {
  organizationId: string;
  /** The operation id this event belongs to. */
  correlationId: string;
  causationId?: string | null;
  traceparent?: string | null;
  occurredAt?: Date;
  id?: string;
}

/** Validates the payload against the topic schema; throws EventValidationError. */
export function parsePayload<T extends TopicName>(topic: T, payload: unknown): PayloadOf<T> {
  const def = catalog[topic];
  const r = def.schema.safeParse(payload);
  if (!r.success) throw new EventValidationError(topic, 'payload', describeIssues(r.error));
  return r.data as PayloadOf<T>;
}

/**
 * Builds a validated event for a topic. The payload is checked against the
 * catalog schema here, so an invalid event is refused where it is produced.
 */
export function createEvent<T extends TopicName>(
  topic: T,
  payload: PayloadInput<T>,
  meta: EventMetadata,
): KeelEvent<T> {
  const def = catalog[topic];
  const envelope = {
    id: meta.id ?? newEventId(),
    type: def.type,
    version: def.version,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    organizationId: meta.organizationId,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? null,
    traceparent: meta.traceparent ?? null,
    payload,
  };
  return validateEvent(topic, envelope);
}

/** Validates an envelope (already decoded) for a topic, envelope and payload. */
export function validateEvent<T extends TopicName>(topic: T, value: unknown): KeelEvent<T> {
  const env = envelopeSchema.safeParse(value);
  if (!env.success) throw new EventValidationError(topic, 'envelope', describeIssues(env.error));
  const def = catalog[topic];
  if (env.data.type !== def.type || env.data.version !== def.version) {
    throw new EventValidationError(topic, 'envelope', [
      `type/version ${env.data.type}@${env.data.version} does not belong on ${topic} (expects ${def.type}@${def.version})`,
    ]);
  }
  const payload = parsePayload(topic, env.data.payload);
  return { ...env.data, payload };
}

/** Serializes an event for the wire (UTF-8 JSON). */
export function encodeEvent(event: EventEnvelope): string {
  return JSON.stringify(event);
}

/** Parses and validates wire bytes of a topic; throws EventValidationError. */
export function decodeEvent<T extends TopicName>(
  topic: T,
  value: string | Buffer | null,
): KeelEvent<T> {
  if (value === null) throw new EventValidationError(topic, 'encoding', ['message has no value']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (err) {
    throw new EventValidationError(topic, 'encoding', [`not JSON: ${(err as Error).message}`]);
  }
  return validateEvent(topic, parsed);
}

/** The partition key of an event: the topic's key function, else the correlation id. */
export function partitionKeyOf<T extends TopicName>(topic: T, event: KeelEvent<T>): string {
  const def = catalog[topic] as { key?: (p: PayloadOf<T>) => string };
  return def.key ? def.key(event.payload) : event.correlationId;
}

/**
 * The selector tokens of an event (see the catalog's `selectors`): undefined when its
 * topic declares none or the event cannot name every dimension.
 */
export function selectorsOf<T extends TopicName>(
  topic: T,
  event: KeelEvent<T>,
): readonly SelectorOf<T>[] | undefined {
  const def = catalog[topic] as {
    selectors?: (p: PayloadOf<T>) => readonly SelectorOf<T>[] | undefined;
  };
  return def.selectors?.(event.payload);
}
