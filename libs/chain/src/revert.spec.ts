import { encodeErrorResult, parseAbi } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeRevertData, revertDataOf } from './revert';

const abi = parseAbi([
  'error Error(string)',
  'error Panic(uint256)',
  'error OwnableUnauthorizedAccount(address)',
]);

describe('revert decoding', () => {
  it('decodes Error(string), Panic and keeps custom errors by selector', () => {
    expect(
      decodeRevertData(encodeErrorResult({ abi, errorName: 'Error', args: ['no'] })),
    ).toMatchObject({ selector: '0x08c379a0', reason: 'no' });
    expect(
      decodeRevertData(encodeErrorResult({ abi, errorName: 'Panic', args: [0x11n] })).reason,
    ).toBe('panic 0x11');
    const custom = encodeErrorResult({
      abi,
      errorName: 'OwnableUnauthorizedAccount',
      args: ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
    });
    expect(decodeRevertData(custom)).toMatchObject({
      selector: '0x118cdaa7',
      reason: 'custom error 0x118cdaa7',
      data: custom,
    });
    expect(decodeRevertData(undefined).reason).toBe('reverted without data');
  });

  it('finds revert data in a cause chain', () => {
    const err = new Error('outer', {
      cause: Object.assign(new Error('inner'), { data: '0x118cdaa7aa' }),
    });
    expect(revertDataOf(err)).toBe('0x118cdaa7aa');
  });
});
