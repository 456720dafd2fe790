import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release) keeps a 1 ms timer loop running on every broker
 * connection, busy or idle: `RequestQueue.scheduleCheckPendingRequests` arms
 * `setTimeout(check, throttledUntil - now)` even when no request is pending, with a negative
 * delay (Node runs it after 1 ms) when nothing is throttled, and the check arms it again
 * (tulios/kafkajs#1556; the fixes proposed upstream are unmerged). Measured on the signing
 * stack: about 50 ms of CPU per second in every idle service, a fifth of a core for six.
 *
 * `fixIdleRequestQueueLoop` replaces that one method: a check is armed only while a request
 * waits in the queue, at the end of the client-side throttle or after
 * CHECK_PENDING_REQUESTS_INTERVAL (10 ms, kafkajs's own) when the queue is only full. Nothing
 * else needs the loop: a finished or timed-out request runs the check itself (kafkajs's
 * `fulfillRequest` and request timeout), and a request enqueued later arms it again. Applied
 * once, to kafkajs 2.2.4 only (another version is left as it is and reported).
 */

const PATCHED_VERSION = '2.2.4';
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

/** The fields of kafkajs's RequestQueue the replacement uses. */
export interface RequestQueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

export function scheduleCheckPendingRequests(this: RequestQueueState): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL,
  );
}

export type RequestQueueFix =
  { readonly applied: true } | { readonly applied: false; readonly reason: string };

let outcome: RequestQueueFix | undefined;

/** Installs the replacement on kafkajs's RequestQueue (idempotent); says whether it did. */
export function fixIdleRequestQueueLoop(): RequestQueueFix {
  if (outcome) return outcome;
  try {
    const load = createRequire(__filename);
    const { version } = load('kafkajs/package.json') as { version: string };
    if (version !== PATCHED_VERSION) {
      outcome = { applied: false, reason: `kafkajs ${version} is not ${PATCHED_VERSION}` };
      return outcome;
    }
    const RequestQueue = load('kafkajs/src/network/requestQueue') as {
      prototype: { scheduleCheckPendingRequests?: unknown };
    };
    if (typeof RequestQueue.prototype.scheduleCheckPendingRequests !== 'function') {
      outcome = { applied: false, reason: 'RequestQueue.scheduleCheckPendingRequests not found' };
      return outcome;
    }
    RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    outcome = { applied: true };
  } catch (err) {
    outcome = { applied: false, reason: `kafkajs internals not loadable: ${String(err)}` };
  }
  return outcome;
}
