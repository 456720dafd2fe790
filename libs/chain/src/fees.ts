import type { PublicClient } from 'viem';

/** EIP-1559 fee fields of a transaction, in wei. */
export interface Eip1559Fees {
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export interface FeePolicy {
  /** Upper bound for maxFeePerGas; a fee above it is never signed. */
  readonly maxFeePerGasCap: bigint;
  /** Lower bound for the tip (some chains report 0). */
  readonly minPriorityFeePerGas: bigint;
  /** Multiplier of the base fee in maxFeePerGas (headroom for base-fee growth), in percent. */
  readonly baseFeeMultiplierPercent: number;
}

export const defaultFeePolicy: FeePolicy = {
  maxFeePerGasCap: 500_000_000_000n, // 500 gwei
  minPriorityFeePerGas: 1_000_000n, // 0.001 gwei
  baseFeeMultiplierPercent: 200,
};

export class FeeCapExceededError extends Error {
  override readonly name = 'FeeCapExceededError';
  constructor(
    readonly required: bigint,
    readonly cap: bigint,
  ) {
    super(`required maxFeePerGas ${required} exceeds the configured cap ${cap}`);
  }
}

/** Fees from the current base fee and suggested tip, within the policy bounds. */
export function feesFromMarket(
  baseFeePerGas: bigint,
  suggestedTip: bigint,
  policy: FeePolicy = defaultFeePolicy,
): Eip1559Fees {
  const tip =
    suggestedTip > policy.minPriorityFeePerGas ? suggestedTip : policy.minPriorityFeePerGas;
  const maxFee = (baseFeePerGas * BigInt(policy.baseFeeMultiplierPercent)) / 100n + tip;
  if (maxFee > policy.maxFeePerGasCap) {
    // The cap wins while it still covers the base fee and the tip; beyond that the tx could not be mined.
    if (baseFeePerGas + tip > policy.maxFeePerGasCap)
      throw new FeeCapExceededError(baseFeePerGas + tip, policy.maxFeePerGasCap);
    return { maxFeePerGas: policy.maxFeePerGasCap, maxPriorityFeePerGas: tip };
  }
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
}

/** Reads the latest base fee and the node's suggested tip and applies the policy. */
export async function estimateEip1559Fees(
  client: PublicClient,
  policy: FeePolicy = defaultFeePolicy,
): Promise<Eip1559Fees> {
  const [block, tip] = await Promise.all([
    client.getBlock({ blockTag: 'latest' }),
    client.estimateMaxPriorityFeePerGas().catch(() => policy.minPriorityFeePerGas),
  ]);
  return feesFromMarket(block.baseFeePerGas ?? 0n, tip, policy);
}

export interface RepriceOptions {
  /** Bump of both fee fields, in percent; nodes require at least 10 to accept a replacement. */
  readonly bumpPercent?: number;
}

function bump(value: bigint, percent: number): bigint {
  // Round up so that 10% of a small value still increases it.
  return (value * BigInt(100 + percent) + 99n) / 100n;
}

/**
 * Fees for a replacement of a stuck transaction with the same nonce: both
 * fields at least `bumpPercent` (min 10) above the previous ones, or the
 * current market if higher, never above the cap. Throws FeeCapExceededError
 * when the minimum bump itself is above the cap (the transaction can only be
 * left to wait).
 */
export function repriceFees(
  previous: Eip1559Fees,
  market: Eip1559Fees,
  policy: FeePolicy = defaultFeePolicy,
  options: RepriceOptions = {},
): Eip1559Fees {
  const percent = Math.max(10, options.bumpPercent ?? 10);
  const minTip = bump(previous.maxPriorityFeePerGas, percent);
  const minMax = bump(previous.maxFeePerGas, percent);
  if (minMax > policy.maxFeePerGasCap)
    throw new FeeCapExceededError(minMax, policy.maxFeePerGasCap);
  let maxFee = market.maxFeePerGas > minMax ? market.maxFeePerGas : minMax;
  if (maxFee > policy.maxFeePerGasCap) maxFee = policy.maxFeePerGasCap;
  let tip = market.maxPriorityFeePerGas > minTip ? market.maxPriorityFeePerGas : minTip;
  if (tip > maxFee) tip = maxFee;
  if (tip < minTip) throw new FeeCapExceededError(minTip, maxFee);
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
}
