import { describe, expect, it } from 'vitest';
import { encodeErrorResult, parseAbi } from 'viem';
import { decodeRevert } from './error-decoder';

const abi = parseAbi([
  'error ComplianceModuleRejected(address module, bytes reason)',
  'error RecipientNotVerified(address recipient)',
  'error Error(string)',
]);
const who = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('decodeRevert', () => {
  it('decodes Keel custom errors with their arguments', () => {
    const data = encodeErrorResult({ abi, errorName: 'RecipientNotVerified', args: [who] });
    expect(decodeRevert(data)).toMatchObject({
      errorName: 'RecipientNotVerified',
      reason: `RecipientNotVerified(${who})`,
    });
  });
  it('decodes revert strings, empty reverts and unknown selectors without throwing', () => {
    expect(
      decodeRevert(encodeErrorResult({ abi, errorName: 'Error', args: ['paused'] })).reason,
    ).toBe('paused');
    expect(decodeRevert('0x').reason).toBe('reverted without a reason');
    expect(decodeRevert('0xdeadbeef').reason).toBe('unknown error 0xdeadbeef');
  });
});
