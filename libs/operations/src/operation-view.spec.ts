import { describe, expect, it } from 'vitest';
import { minBlockOf } from './operation-view';

describe("an operation's minBlock", () => {
  it('is the highest block of its mined transactions, reverted ones included', () => {
    expect(
      minBlockOf([
        { status: 'mined', blockNumber: '9' },
        { status: 'reverted', blockNumber: '12' },
        { status: 'mined', blockNumber: '10' },
      ]),
    ).toBe('12');
  });

  it('ignores transactions not mined, and is null while none is', () => {
    expect(minBlockOf([])).toBeNull();
    expect(
      minBlockOf([
        { status: 'broadcast', blockNumber: null },
        { status: 'failed', blockNumber: null },
      ]),
    ).toBeNull();
    // A receipt seen on a branch later dropped leaves the status at broadcast; its block is not one to wait for.
    expect(
      minBlockOf([
        { status: 'mined', blockNumber: '5' },
        { status: 'broadcast', blockNumber: '99' },
      ]),
    ).toBe('5');
  });

  it('compares block numbers as integers, not strings', () => {
    expect(
      minBlockOf([
        { status: 'mined', blockNumber: '9' },
        { status: 'mined', blockNumber: '10' },
      ]),
    ).toBe('10');
  });
});
