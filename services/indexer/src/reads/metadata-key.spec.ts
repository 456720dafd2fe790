import { stringToHex, keccak256, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeMetadataKey, metadataEntries } from './metadata-key';

const key = (text: string) => stringToHex(text, { size: 32 });

describe('asset metadata keys', () => {
  it('decodes a zero-padded string key, as Solidity stores "faceValue"', () => {
    expect(decodeMetadataKey(key('faceValue'))).toBe('faceValue');
    expect(decodeMetadataKey(key('collateralClaimTopic'))).toBe('collateralClaimTopic');
    expect(decodeMetadataKey(key('x'.repeat(32)))).toBe('x'.repeat(32));
  });

  it('decodes UTF-8 text beyond ASCII', () => {
    expect(decodeMetadataKey(key('émetteur'))).toBe('émetteur');
  });

  it('keeps hex for keys that are not padded text', () => {
    expect(decodeMetadataKey(keccak256(toHex('prospectus')))).toBeNull();
    expect(decodeMetadataKey(toHex(42n, { size: 32 }))).toBeNull(); // left-padded number
    expect(decodeMetadataKey(`0x${'00'.repeat(32)}`)).toBeNull();
    expect(decodeMetadataKey(`0x6162${'00'.repeat(2)}63${'00'.repeat(27)}`)).toBeNull(); // zero inside
    expect(decodeMetadataKey(`0x0a${'00'.repeat(31)}`)).toBeNull(); // newline: control character
    expect(decodeMetadataKey(`0xff${'00'.repeat(31)}`)).toBeNull(); // invalid UTF-8
    expect(decodeMetadataKey('0x1234')).toBeNull(); // not 32 bytes
  });

  it('lists entries with the decoded key, the value and the raw key, sorted by key', () => {
    const hashed = keccak256(toHex('prospectus'));
    expect(
      metadataEntries({
        [key('maturity')]: '1900000000',
        [hashed]: 'ipfs://x',
        [key('faceValue')]: '1000',
      }),
    ).toEqual([
      { key: hashed, value: 'ipfs://x', raw: hashed },
      { key: 'faceValue', value: '1000', raw: key('faceValue') },
      { key: 'maturity', value: '1900000000', raw: key('maturity') },
    ]);
    expect(metadataEntries(null)).toEqual([]);
  });
});
