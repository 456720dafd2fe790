import { Injectable } from '@nestjs/common';
import type { GasSettingsView, GasWarning } from '@keel/operations';
import type { Address } from 'viem';
import { ChainReader } from '../../../chain/chain.reader';
import { GasRepository, type TopUpRecord } from '../../gas.repository';
import { isGasWalletLow, utcDay } from '../../top-up-policy';

const skipMessages: Record<string, string> = {
  GAS_WALLET_LOW: 'The gas wallet could not pay the top-up and its gas.',
  DAILY_COUNT_LIMIT: "The day's top-up count limit was reached.",
  DAILY_AMOUNT_LIMIT: "The top-up would have passed the day's amount limit.",
  NO_GAS_WALLET: 'No gas wallet is configured.',
  SIGNER_IS_GAS_WALLET: 'The signer is the gas wallet itself.',
  AUTO_TOP_UP_DISABLED: 'Automatic top-up is off.',
};

/** The warning an operation's top-up record gives (none for a completed one). */
export function topUpWarning(t: TopUpRecord): GasWarning | null {
  const details = {
    wallet: t.wallet,
    transactionIndex: t.transactionIndex,
    ...(t.amount ? { amount: t.amount } : {}),
    ...(t.fundOperationId ? { fundOperationId: t.fundOperationId } : {}),
  };
  switch (t.outcome) {
    case 'submitted':
      return {
        code: 'AWAITING_GAS_TOP_UP',
        message: `The signer wallet is being topped up (operation ${t.fundOperationId}) before it signs.`,
        details,
      };
    case 'failed':
      return {
        code: 'GAS_TOP_UP_FAILED',
        message: `The gas top-up ${t.fundOperationId} did not complete; signing went on without it.`,
        details,
      };
    case 'skipped':
      return {
        code: t.reason ?? 'GAS_TOP_UP_SKIPPED',
        message: `No gas top-up was sent: ${skipMessages[t.reason ?? ''] ?? 'skipped'}`,
        details,
      };
    case 'completed':
      return null;
  }
}

/** The organization's gas settings, the gas wallet's balance, today's top-ups and the warnings. */
@Injectable()
export class GetGasSettingsUseCase {
  constructor(
    private readonly gas: GasRepository,
    private readonly chain: ChainReader,
  ) {}

  async execute(organizationId: string): Promise<GasSettingsView> {
    const m = this.gas.manager;
    const s = await this.gas.find(m, organizationId);
    const day = utcDay(new Date());
    const [usage, topUps] = await Promise.all([
      this.gas.usage(m, organizationId, day),
      this.gas.ofDay(m, organizationId, day),
    ]);
    const warnings: GasWarning[] = [];
    let gasWallet: GasSettingsView['gasWallet'] = null;
    if (s?.sourceWallet) {
      let balance: bigint | null = null;
      let maxFeePerGas = 0n;
      try {
        [balance, maxFeePerGas] = await Promise.all([
          this.chain.balance(s.sourceWallet as Address),
          this.chain.maxFeePerGas(),
        ]);
      } catch {
        balance = null; // the chain cannot be read now: no balance, no warning from it
      }
      gasWallet = { address: s.sourceWallet, balance: balance?.toString() ?? null };
      if (balance !== null && s.autoTopUp && isGasWalletLow(s, balance, maxFeePerGas))
        warnings.push({
          code: 'GAS_WALLET_LOW',
          message: `The gas wallet ${s.sourceWallet} cannot pay one more top-up of ${s.topUpAmount} wei with its gas; fund it.`,
          details: { gasWallet: s.sourceWallet, balance: balance.toString() },
        });
    }
    for (const t of topUps) {
      const w = t.outcome === 'skipped' ? topUpWarning(t) : null;
      if (w && !warnings.some((x) => x.code === w.code))
        warnings.push({ ...w, details: { ...w.details, operationId: t.operationId } });
    }
    return {
      organizationId,
      sourceWallet: s?.sourceWallet ?? null,
      autoTopUp: s?.autoTopUp ?? false,
      minBalance: (s?.minBalance ?? 0n).toString(),
      topUpAmount: (s?.topUpAmount ?? 0n).toString(),
      dailyAmountLimit: s?.dailyAmountLimit?.toString() ?? null,
      dailyCountLimit: s?.dailyCountLimit ?? null,
      updatedAt: s?.updatedAt ?? null,
      gasWallet,
      today: {
        day,
        amount: usage.amount.toString(),
        count: usage.count,
        topUps: topUps.map((t) => ({
          operationId: t.operationId,
          transactionIndex: t.transactionIndex,
          wallet: t.wallet,
          outcome: t.outcome,
          fundOperationId: t.fundOperationId,
          amount: t.amount,
          reason: t.reason,
          createdAt: t.createdAt,
        })),
      },
      warnings,
    };
  }
}
