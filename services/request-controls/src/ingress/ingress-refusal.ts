import type { PayloadInput } from '@keel/events';

/** Why an ingress message was refused: the `error.code` of its `rejected` answer. */
export type IngressRefusalCode =
  | 'UNAUTHENTICATED'
  | 'INGRESS_KEY_MISSING'
  | 'INGRESS_UNAVAILABLE'
  | 'STALE_MESSAGE'
  | 'REPLAYED_MESSAGE'
  | 'INVALID_MESSAGE'
  | 'MALFORMED_MESSAGE'
  | 'INVALID_OPERATION'
  | 'FORBIDDEN'
  | 'IDEMPOTENCY_CONFLICT';

type StatusError = NonNullable<PayloadInput<'keel.ingress.status.v1'>['error']>;

/** A typed refusal of an ingress message; never carries a secret. */
export class IngressRefusal extends Error {
  override readonly name = 'IngressRefusal';

  constructor(
    readonly code: IngressRefusalCode,
    message: string,
    readonly fix: string,
    readonly details: Record<string, unknown> = {},
    /** True only when sending the same message again later can succeed. */
    readonly retryable = false,
  ) {
    super(message);
  }

  toError(): StatusError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      details: { ...this.details, fix: this.fix },
    };
  }
}

/** One answer for every authentication failure: no hint whether the key exists. */
export const unauthenticated = () =>
  new IngressRefusal(
    'UNAUTHENTICATED',
    'The message signature does not verify: the API key is unknown or revoked, or the signature was not made with its ingress signing key over <timestamp>.<body>.',
    'Sign with a valid API key as libs/ingress-client/README.md describes (HKDF-SHA256 key from the secret, HMAC-SHA256 over the exact body).',
  );
