import { createEvent, encodeEvent, type KeelEvent, newEventId, type PayloadOf } from '@keel/events';
import { type OperationRequest, operationRequestSchema } from '@keel/operations';
import { z } from 'zod';
import { deriveIngressSigningKey, ingressSignature } from './ingress-signature';

export const INGRESS_TOPIC = 'keel.ingress.operations.v1';
export const INGRESS_STATUS_TOPIC = 'keel.ingress.status.v1';

/** What the signed body of an ingress message holds (JSON, signed byte for byte). */
export const ingressBodySchema = z.strictObject({
  /** Unique per API key; a second message with the same id is refused as a replay. */
  messageId: z.string().min(1).max(128),
  /** The producer's correlation id: status answers are keyed by it. */
  correlationId: z.string().min(1).max(128),
  request: operationRequestSchema,
});
export type IngressBody = z.infer<typeof ingressBodySchema>;

/** The answers on `keel.ingress.status.v1`. */
export type IngressStatus = PayloadOf<'keel.ingress.status.v1'>;

// Same shape as request controls' API keys: keel_<id>_<secret>.
const API_KEY = /^keel_([0-9a-z]{8,32})_([0-9A-Za-z_-]{32,128})$/;

export class InvalidApiKeyError extends Error {
  override readonly name = 'InvalidApiKeyError';
  constructor() {
    super('not a Keel API key (expected keel_<id>_<secret>)');
  }
}

function splitApiKey(apiKey: string): { id: string; secret: string } {
  const m = API_KEY.exec(apiKey);
  if (!m) throw new InvalidApiKeyError();
  return { id: m[1]!, secret: m[2]! };
}

/** A message ready for any Kafka client: produce `value` to `topic` with `key` and `headers`. */
export interface SignedIngressMessage {
  readonly topic: typeof INGRESS_TOPIC;
  readonly key: string;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly event: KeelEvent<'keel.ingress.operations.v1'>;
}

export interface SignIngressBodyInput {
  /** The organization of the API key. */
  readonly organizationId: string;
  readonly correlationId: string;
  /** The exact body to sign (normally JSON of an IngressBody). */
  readonly body: string;
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
}

/**
 * Signs a body as given (byte for byte) and wraps it in the Keel envelope.
 * `signIngressMessage` builds the body for you; this is for producers that
 * already have the body bytes (and for tests of malformed bodies).
 */
export function signIngressBody(apiKey: string, input: SignIngressBodyInput): SignedIngressMessage {
  const { id, secret } = splitApiKey(apiKey);
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = ingressSignature(deriveIngressSigningKey(secret), timestamp, input.body);
  const event = createEvent(
    'keel.ingress.operations.v1',
    { apiKeyId: id, timestamp, body: input.body, signature },
    { organizationId: input.organizationId, correlationId: input.correlationId },
  );
  return {
    topic: INGRESS_TOPIC,
    key: input.correlationId,
    value: encodeEvent(event),
    headers: {
      'keel-event-id': event.id,
      'keel-event-type': `${event.type}@${event.version}`,
      'keel-organization-id': event.organizationId,
      'keel-correlation-id': event.correlationId,
    },
    event,
  };
}

export interface IngressMessageInput {
  readonly organizationId: string;
  readonly correlationId: string;
  readonly request: OperationRequest;
  /** Defaults to a new UUIDv7. */
  readonly messageId?: string;
  /** Unix seconds; defaults to now. */
  readonly timestamp?: number;
}

/**
 * Builds and signs an ingress message for an operation request with the
 * producer's API key (`keel_<id>_<secret>`). The key never leaves the
 * producer: only its id and the HMAC travel.
 */
export function signIngressMessage(
  apiKey: string,
  message: IngressMessageInput,
): SignedIngressMessage & { readonly messageId: string } {
  const body: IngressBody = ingressBodySchema.parse({
    messageId: message.messageId ?? newEventId(),
    correlationId: message.correlationId,
    request: message.request,
  });
  return {
    ...signIngressBody(apiKey, {
      organizationId: message.organizationId,
      correlationId: message.correlationId,
      body: JSON.stringify(body),
      ...(message.timestamp !== undefined ? { timestamp: message.timestamp } : {}),
    }),
    messageId: body.messageId,
  };
}
