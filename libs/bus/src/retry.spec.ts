import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultRetryPolicy } from './retry';

describe('backoffDelay', () => {
  it('grows exponentially and is bounded, with jitter in [cap/2, cap]', () => {
    const p = { ...defaultRetryPolicy, initialDelayMs: 100, maxDelayMs: 1_000, factor: 2 };
    expect([1, 2, 3, 4, 5, 10].map((a) => backoffDelay(p, a, () => 1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(p, 3, () => 0)).toBe(200);
    for (let a = 1; a < 50; a++) expect(backoffDelay(p, a)).toBeLessThanOrEqual(1_000);
  });
});
