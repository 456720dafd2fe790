import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';

/** W3C trace-context `traceparent` (version 00): version-traceid-parentid-flags. */
export const TRACEPARENT_PATTERN = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

const uuidV7 = z
  .string()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i,
    'must be a UUIDv7',
  );

/**
 * The envelope every Keel event travels in, on every driver. The payload is
 * typed by the topic (see `catalog.ts`); the envelope fields are the same for
 * all topics so that tracing, dedupe (inbox by `id`) and correlation work
 * without knowing the payload.
 */
export const envelopeSchema = z.object({
  /** Time-ordered unique id (UUIDv7); the inbox dedupes on it. */
  id: uuidV7,
  /** Event type without version, e.g. `operation.submitted`. */
  type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/),
  /** Schema version of the payload; the topic name carries the same version. */
  version: z.number().int().positive(),
  /** When the fact happened (ISO-8601, UTC). */
  occurredAt: z.iso.datetime({ offset: true }),
  organizationId: z.string().min(1).max(128),
  /** The operation this event belongs to (operation id); constant along a flow. */
  correlationId: z.string().min(1).max(128),
  /** Id of the event that caused this one; null for the first event of a flow. */
  causationId: z.string().min(1).max(128).nullable(),
  /** W3C traceparent of the span that produced the event, or null when untraced. */
  traceparent: z.string().regex(TRACEPARENT_PATTERN).nullable(),
  payload: z.unknown(),
});

export type EnvelopeBase = Omit<z.infer<typeof envelopeSchema>, 'payload'>;

export interface EventEnvelope<P = unknown> extends EnvelopeBase {
  readonly payload: P;
}

/** A new time-ordered event id (UUIDv7). */
export function newEventId(): string {
  return uuidv7();
}
