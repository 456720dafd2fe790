import { describe, expect, it } from 'vitest';
import {
  decideTopUp,
  type GasSettings,
  isGasWalletLow,
  topUpOperationId,
  utcDay,
} from './top-up-policy';

const settings: GasSettings = {
  organizationId: 'org-a',
  sourceWallet: '0x00000000000000000000000000000000000000aa',
  autoTopUp: true,
  minBalance: 1_000n,
  topUpAmount: 5_000n,
  dailyAmountLimit: 12_000n,
  dailyCountLimit: 3,
};
const holder = '0x00000000000000000000000000000000000000bb';
const rich = { balance: 1_000_000_000n, maxFeePerGas: 1n };
const none = { amount: 0n, count: 0 };

describe('decideTopUp', () => {
  it('does nothing while the wallet holds the minimum and what the transaction needs', () => {
    expect(
      decideTopUp(settings, { address: holder, balance: 1_000n, need: 900n }, none, rich),
    ).toEqual({
      kind: 'not-needed',
    });
  });

  it('tops up by the configured amount below the minimum, and by what is missing when that is more', () => {
    expect(
      decideTopUp(settings, { address: holder, balance: 999n, need: 10n }, none, rich),
    ).toMatchObject({
      kind: 'top-up',
      amount: 5_000n,
    });
    expect(
      decideTopUp(settings, { address: holder, balance: 2_000n, need: 9_000n }, none, rich),
    ).toMatchObject({
      kind: 'top-up',
      amount: 7_000n,
    });
  });

  it('respects the daily count and amount limits, skipping a top-up whole rather than splitting it', () => {
    const low = { address: holder, balance: 0n, need: 100n };
    expect(decideTopUp(settings, low, { amount: 5_000n, count: 2 }, rich)).toMatchObject({
      kind: 'top-up',
    });
    expect(decideTopUp(settings, low, { amount: 5_000n, count: 3 }, rich)).toEqual({
      kind: 'skip',
      reason: 'DAILY_COUNT_LIMIT',
      amount: 5_000n,
    });
    // 7_000 + 5_000 = 12_000 is exactly the limit; one wei more is not.
    expect(decideTopUp(settings, low, { amount: 7_000n, count: 1 }, rich)).toMatchObject({
      kind: 'top-up',
    });
    expect(decideTopUp(settings, low, { amount: 7_001n, count: 1 }, rich)).toMatchObject({
      kind: 'skip',
      reason: 'DAILY_AMOUNT_LIMIT',
    });
    const unlimited = { ...settings, dailyAmountLimit: null, dailyCountLimit: null };
    expect(decideTopUp(unlimited, low, { amount: 10n ** 30n, count: 10_000 }, rich)).toMatchObject({
      kind: 'top-up',
    });
  });

  it('skips when disabled, without a gas wallet, or when the signer is the gas wallet', () => {
    const low = { address: holder, balance: 0n, need: 100n };
    expect(decideTopUp(null, low, none, rich)).toMatchObject({ reason: 'AUTO_TOP_UP_DISABLED' });
    expect(decideTopUp({ ...settings, autoTopUp: false }, low, none, rich)).toMatchObject({
      reason: 'AUTO_TOP_UP_DISABLED',
    });
    expect(decideTopUp({ ...settings, sourceWallet: null }, low, none, null)).toMatchObject({
      reason: 'NO_GAS_WALLET',
    });
    expect(
      decideTopUp(
        settings,
        { ...low, address: settings.sourceWallet!.toUpperCase().replace('0X', '0x') },
        none,
        rich,
      ),
    ).toMatchObject({ reason: 'SIGNER_IS_GAS_WALLET' });
  });

  it('reports a gas wallet that cannot pay the top-up and its gas, and one left below the next top-up', () => {
    const low = { address: holder, balance: 0n, need: 100n };
    expect(
      decideTopUp(settings, low, none, { balance: 5_000n + 20_999n, maxFeePerGas: 1n }),
    ).toMatchObject({
      kind: 'skip',
      reason: 'GAS_WALLET_LOW',
    });
    expect(
      decideTopUp(settings, low, none, { balance: 5_000n + 21_000n, maxFeePerGas: 1n }),
    ).toEqual({
      kind: 'top-up',
      amount: 5_000n,
      gasWalletLowAfter: true,
    });
    expect(isGasWalletLow(settings, 26_000n, 1n)).toBe(false);
    expect(isGasWalletLow(settings, 25_999n, 1n)).toBe(true);
  });

  it('counts by UTC day and names the top-up of a step deterministically', () => {
    expect(utcDay(new Date('2026-12-07T23:59:59.999Z'))).toBe('2026-12-07');
    expect(utcDay(new Date('2026-12-08T00:00:00Z'))).toBe('2026-12-08');
    expect(topUpOperationId('op-1', 0)).toBe(topUpOperationId('op-1', 0));
    expect(topUpOperationId('op-1', 1)).not.toBe(topUpOperationId('op-1', 0));
  });
});
