import { describe, expect, it } from 'vitest';
import { defaultFeePolicy, FeeCapExceededError, feesFromMarket, repriceFees } from './fees';

const gwei = 1_000_000_000n;

describe('fees', () => {
  it('derives EIP-1559 fees from the base fee and tip', () => {
    expect(feesFromMarket(10n * gwei, 2n * gwei)).toEqual({
      maxFeePerGas: 22n * gwei,
      maxPriorityFeePerGas: 2n * gwei,
    });
  });

  it('applies the minimum tip', () => {
    expect(feesFromMarket(10n * gwei, 0n).maxPriorityFeePerGas).toBe(
      defaultFeePolicy.minPriorityFeePerGas,
    );
  });

  it('re-prices by at least 10% on both fields, rounding up', () => {
    const r = repriceFees(
      { maxFeePerGas: 100n, maxPriorityFeePerGas: 7n },
      { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n },
    );
    expect(r).toEqual({ maxFeePerGas: 110n, maxPriorityFeePerGas: 8n });
    expect(
      repriceFees(
        { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
        { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
        defaultFeePolicy,
        { bumpPercent: 5 },
      ).maxFeePerGas,
    ).toBe(110n);
  });

  it('follows the market when it moved more than the bump', () => {
    const r = repriceFees(
      { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
      { maxFeePerGas: 300n, maxPriorityFeePerGas: 50n },
    );
    expect(r).toEqual({ maxFeePerGas: 300n, maxPriorityFeePerGas: 50n });
  });

  it('caps the market price but refuses when the minimum bump is above the cap', () => {
    const policy = { ...defaultFeePolicy, maxFeePerGasCap: 200n };
    expect(
      repriceFees(
        { maxFeePerGas: 100n, maxPriorityFeePerGas: 10n },
        { maxFeePerGas: 900n, maxPriorityFeePerGas: 5n },
        policy,
      ).maxFeePerGas,
    ).toBe(200n);
    expect(() =>
      repriceFees(
        { maxFeePerGas: 190n, maxPriorityFeePerGas: 10n },
        { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n },
        policy,
      ),
    ).toThrow(FeeCapExceededError);
  });
});
