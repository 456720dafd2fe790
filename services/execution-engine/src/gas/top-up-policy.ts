/** An organization's gas settings: its gas wallet and the automatic top-up of signer wallets. */
export interface GasSettings {
  readonly organizationId: string;
  /** The gas wallet: source of `wallet.fund` without a signer and of every top-up. */
  readonly sourceWallet: string | null;
  readonly autoTopUp: boolean;
  /** A signer wallet below this balance (wei) is topped up before it signs. */
  readonly minBalance: bigint;
  /** What one top-up sends (wei); more when the transaction needs more. */
  readonly topUpAmount: bigint;
  /** At most this much (wei) in top-ups per UTC day; null = no limit. */
  readonly dailyAmountLimit: bigint | null;
  /** At most this many top-ups per UTC day; null = no limit. */
  readonly dailyCountLimit: number | null;
}

/** The top-ups of the organization's current UTC day that moved, or may still move, funds. */
export interface DailyUsage {
  readonly amount: bigint;
  readonly count: number;
}

export type TopUpSkipReason =
  | 'AUTO_TOP_UP_DISABLED'
  | 'NO_GAS_WALLET'
  | 'SIGNER_IS_GAS_WALLET'
  | 'DAILY_COUNT_LIMIT'
  | 'DAILY_AMOUNT_LIMIT'
  | 'GAS_WALLET_LOW';

export type TopUpDecision =
  | { readonly kind: 'not-needed' }
  | { readonly kind: 'skip'; readonly reason: TopUpSkipReason; readonly amount?: bigint }
  | { readonly kind: 'top-up'; readonly amount: bigint; readonly gasWalletLowAfter: boolean };

/** Gas of the top-up itself (a plain transfer), at most. */
export const VALUE_TRANSFER_GAS = 21_000n;

/**
 * Whether a signer wallet is topped up before it signs, and by how much. The wallet needs
 * `need` (gas limit × max fee + value) and at least the minimum balance; a top-up sends the
 * configured amount, or what is missing when that is more. A top-up that would pass a daily
 * limit is skipped whole (never split), and so is one the gas wallet cannot pay
 * (amount + its own gas): the caller reports that the gas wallet is low.
 */
export function decideTopUp(
  settings: GasSettings | null,
  signer: { readonly address: string; readonly balance: bigint; readonly need: bigint },
  usage: DailyUsage,
  gasWallet: { readonly balance: bigint; readonly maxFeePerGas: bigint } | null,
): TopUpDecision {
  const threshold =
    settings && settings.minBalance > signer.need ? settings.minBalance : signer.need;
  if (signer.balance >= threshold) return { kind: 'not-needed' };
  if (!settings?.autoTopUp) return { kind: 'skip', reason: 'AUTO_TOP_UP_DISABLED' };
  if (!settings.sourceWallet || !gasWallet) return { kind: 'skip', reason: 'NO_GAS_WALLET' };
  if (settings.sourceWallet.toLowerCase() === signer.address.toLowerCase())
    return { kind: 'skip', reason: 'SIGNER_IS_GAS_WALLET' };
  const missing = signer.need - signer.balance;
  const amount = settings.topUpAmount > missing ? settings.topUpAmount : missing;
  if (settings.dailyCountLimit !== null && usage.count + 1 > settings.dailyCountLimit)
    return { kind: 'skip', reason: 'DAILY_COUNT_LIMIT', amount };
  if (settings.dailyAmountLimit !== null && usage.amount + amount > settings.dailyAmountLimit)
    return { kind: 'skip', reason: 'DAILY_AMOUNT_LIMIT', amount };
  const cost = amount + VALUE_TRANSFER_GAS * gasWallet.maxFeePerGas;
  if (gasWallet.balance < cost) return { kind: 'skip', reason: 'GAS_WALLET_LOW', amount };
  return {
    kind: 'top-up',
    amount,
    gasWalletLowAfter: isGasWalletLow(settings, gasWallet.balance - cost, gasWallet.maxFeePerGas),
  };
}

/** The gas wallet cannot pay one more top-up of the configured amount (with its gas). */
export function isGasWalletLow(
  settings: Pick<GasSettings, 'topUpAmount'>,
  balance: bigint,
  maxFeePerGas: bigint,
): boolean {
  return balance < settings.topUpAmount + VALUE_TRANSFER_GAS * maxFeePerGas;
}

/** The UTC day a top-up counts against (`YYYY-MM-DD`). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The deterministic id of the top-up for one step of an operation: a replay submits the same one. */
export function topUpOperationId(operationId: string, transactionIndex: number): string {
  return `gas-top-up:${operationId}:${transactionIndex}`;
}
