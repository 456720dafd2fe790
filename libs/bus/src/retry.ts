export interface RetryPolicy {
  /** Total handler attempts for a retryable error before dead-lettering (>= 1). */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Multiplier per attempt. */
  readonly factor: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 200,
  maxDelayMs: 15_000,
  factor: 2,
};

/**
 * Delay before attempt `attempt + 1` after `attempt` failures: exponential,
 * capped at maxDelayMs, with "equal jitter" (half fixed, half random) so that
 * many consumers failing together do not retry in lockstep.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exp = policy.initialDelayMs * Math.pow(policy.factor, Math.max(0, attempt - 1));
  const capped = Math.min(policy.maxDelayMs, exp);
  return Math.round(capped / 2 + (capped / 2) * random());
}
