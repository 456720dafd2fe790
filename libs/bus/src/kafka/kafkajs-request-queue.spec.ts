import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fixIdleRequestQueueLoop,
  type RequestQueueState,
  scheduleCheckPendingRequests,
} from './kafkajs-request-queue';

const load = createRequire(__filename);
const RequestQueue = load('kafkajs/src/network/requestQueue') as {
  prototype: { scheduleCheckPendingRequests: unknown };
};

function queue(pending: unknown[], throttledUntil = -1): RequestQueueState & { checks: number } {
  return {
    pending,
    throttledUntil,
    throttleCheckTimeoutId: null,
    checks: 0,
    checkPendingRequests() {
      this.checks++;
    },
  };
}

describe("kafkajs's request queue without its idle 1 ms loop", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("replaces kafkajs 2.2.4's RequestQueue.scheduleCheckPendingRequests", () => {
    expect(fixIdleRequestQueueLoop()).toEqual({ applied: true });
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
    // Idempotent.
    expect(fixIdleRequestQueueLoop()).toEqual({ applied: true });
  });

  it('arms no timer while nothing is pending (the loop kafkajs 2.2.4 keeps running)', () => {
    vi.useFakeTimers();
    const q = queue([]);
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
    vi.advanceTimersByTime(1_000);
    expect(q.checks).toBe(0);
  });

  it('checks a pending request after 10 ms when only the queue is full, at the throttle end when throttled', () => {
    vi.useFakeTimers();
    const full = queue(['request']);
    scheduleCheckPendingRequests.call(full);
    vi.advanceTimersByTime(9);
    expect(full.checks).toBe(0);
    vi.advanceTimersByTime(1);
    expect(full.checks).toBe(1);
    expect(full.throttleCheckTimeoutId).toBeNull();

    const throttled = queue(['request'], Date.now() + 250);
    scheduleCheckPendingRequests.call(throttled);
    // A second call while one check is armed arms nothing more.
    const armed = throttled.throttleCheckTimeoutId;
    scheduleCheckPendingRequests.call(throttled);
    expect(throttled.throttleCheckTimeoutId).toBe(armed);
    vi.advanceTimersByTime(249);
    expect(throttled.checks).toBe(0);
    vi.advanceTimersByTime(1);
    expect(throttled.checks).toBe(1);
  });
});
