/**
 * Thrown by a handler for a failure that may pass on retry (a timeout, a
 * database or RPC outage). Retried with bounded exponential backoff.
 * Unknown errors are treated the same way.
 */
export class RetryableError extends Error {
  override readonly name: string = 'RetryableError';
}

/**
 * Thrown by a handler when the message can never be processed (poison): it
 * goes straight to the dead-letter topic and the consumer moves on.
 */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError';
  constructor(
    message: string,
    readonly code: string = 'non-retryable',
  ) {
    super(message);
  }
}

/** Why a message was dead-lettered. */
export type DeadLetterReason = 'malformed' | 'rejected' | 'retries-exhausted';
