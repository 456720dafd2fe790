import { ITokenAbi } from '@keel/abi';
import { encodeFunctionData } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeCall } from './decode-call';
import { evaluateRules } from './evaluate-rules';
import { walletPolicySchema } from './policy-document';

const TOKEN = '0x5fbdb2315678afecb367f032d93f642f64180aa3';
const TO = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8';
const OTHER = '0x90f79bf6eb2c4f870365e785982e1f101e93b906';
const quorum = { approvers: ['apikey:a', 'apikey:b'], required: 1, timeoutSeconds: 60 };
// Wednesday 2026-11-18 10:30 UTC.
const WED_1030 = new Date('2026-11-18T10:30:00Z');

const call = (functionName: 'transfer' | 'mint', to: string, amount: bigint) =>
  decodeCall({
    to: TOKEN,
    value: 0n,
    data: encodeFunctionData({ abi: ITokenAbi, functionName, args: [to as `0x${string}`, amount] }),
  });

describe('decodeCall', () => {
  it('decodes token movements with the typed token ABI', () => {
    expect(call('transfer', TO, 5n)).toEqual({
      function: 'transfer',
      target: TOKEN,
      movements: [{ asset: TOKEN, to: TO, amount: 5n }],
    });
    const batch = decodeCall({
      to: TOKEN,
      value: 0n,
      data: encodeFunctionData({
        abi: ITokenAbi,
        functionName: 'batchTransfer',
        args: [
          [TO, OTHER],
          [1n, 2n],
        ],
      }),
    });
    expect(batch.movements.map((m) => [m.to, m.amount])).toEqual([
      [TO, 1n],
      [OTHER, 2n],
    ]);
    const burn = decodeCall({
      to: TOKEN,
      value: 0n,
      data: encodeFunctionData({ abi: ITokenAbi, functionName: 'burn', args: [TO, 3n] }),
    });
    expect(burn.movements).toEqual([{ asset: TOKEN, to: null, amount: 3n }]);
    expect(decodeCall({ to: TO, value: 0n, data: '0x' }).function).toBe('none');
    expect(decodeCall({ to: TO, value: 7n, data: '0x' }).movements).toEqual([
      { asset: 'native', to: TO, amount: 7n },
    ]);
    expect(decodeCall({ to: TOKEN, value: 0n, data: '0xdeadbeef' }).function).toBe('unknown');
  });
});

describe('evaluateRules', () => {
  it('amount limits per asset or any asset: block wins over require-approval', () => {
    const policy = walletPolicySchema.parse({
      amountLimits: [
        { asset: TOKEN, max: '10', onBreach: 'require-approval' },
        { max: '100', onBreach: 'block' },
      ],
      quorum,
    });
    expect(evaluateRules(policy, call('transfer', TO, 10n), WED_1030, []).kind).toBe('allow');
    expect(evaluateRules(policy, call('transfer', TO, 11n), WED_1030, []).kind).toBe('hold');
    const denied = evaluateRules(policy, call('mint', TO, 101n), WED_1030, []);
    expect(denied.kind === 'deny' && denied.breach.rule).toBe('amount-limit');
  });

  it('rolling limits count what is already reserved in the window', () => {
    const policy = walletPolicySchema.parse({
      rollingLimits: [{ asset: TOKEN, windowSeconds: 60, max: '30', onBreach: 'block' }],
    });
    expect(evaluateRules(policy, call('transfer', TO, 10n), WED_1030, [20n]).kind).toBe('allow');
    expect(evaluateRules(policy, call('transfer', TO, 10n), WED_1030, [21n]).kind).toBe('deny');
  });

  it('destination allowlist, case-insensitive', () => {
    const policy = walletPolicySchema.parse({
      destinationAllowlist: {
        addresses: [TO.toUpperCase().replace('0X', '0x')],
        onBreach: 'block',
      },
    });
    expect(evaluateRules(policy, call('transfer', TO, 1n), WED_1030, []).kind).toBe('allow');
    expect(evaluateRules(policy, call('transfer', OTHER, 1n), WED_1030, []).kind).toBe('deny');
  });

  it('time windows in UTC with days of week, overnight windows included', () => {
    const policy = (windows: unknown) =>
      walletPolicySchema.parse({ timeWindows: { windows, onBreach: 'require-approval' }, quorum });
    const t = call('transfer', TO, 1n);
    expect(
      evaluateRules(policy([{ days: [3], from: '09:00', to: '17:00' }]), t, WED_1030, []).kind,
    ).toBe('allow');
    expect(
      evaluateRules(policy([{ days: [1, 2], from: '09:00', to: '17:00' }]), t, WED_1030, []).kind,
    ).toBe('hold');
    expect(
      evaluateRules(policy([{ days: [3], from: '11:00', to: '17:00' }]), t, WED_1030, []).kind,
    ).toBe('hold');
    // Tuesday 22:00 → Wednesday 11:00 covers Wednesday 10:30.
    expect(
      evaluateRules(policy([{ days: [2], from: '22:00', to: '11:00' }]), t, WED_1030, []).kind,
    ).toBe('allow');
  });

  it('a nonce fill (no data, no value) always passes', () => {
    const policy = walletPolicySchema.parse({
      timeWindows: { windows: [{ days: [0], from: '00:00', to: '00:01' }], onBreach: 'block' },
    });
    expect(
      evaluateRules(policy, decodeCall({ to: TO, value: 0n, data: '0x' }), WED_1030, []).kind,
    ).toBe('allow');
  });
});
