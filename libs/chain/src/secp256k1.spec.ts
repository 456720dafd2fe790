import {
  type Hex,
  keccak256,
  parseGwei,
  recoverAddress,
  recoverTransactionAddress,
  toHex,
  type TransactionSerialized,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { recoverSignerAddress, recoverTransactionSigner } from './secp256k1';

const to = '0x00000000000000000000000000000000000000a1';

describe('recoverTransactionSigner (libsecp256k1) agrees with viem', () => {
  const keys = Array.from({ length: 8 }, () => generatePrivateKey());

  it.each([
    ['eip1559', { type: 'eip1559', maxFeePerGas: parseGwei('20'), maxPriorityFeePerGas: 1n }],
    ['eip2930', { type: 'eip2930', gasPrice: parseGwei('20'), accessList: [] }],
    ['legacy with EIP-155', { type: 'legacy', gasPrice: parseGwei('20') }],
  ] as const)('%s transactions', async (_name, fees) => {
    for (const [i, key] of keys.entries()) {
      const account = privateKeyToAccount(key);
      const raw = await account.signTransaction({
        chainId: 31337,
        nonce: i,
        to,
        data: toHex(`call ${i}`),
        value: BigInt(i),
        gas: 100_000n,
        ...fees,
      });
      expect(recoverTransactionSigner(raw)).toBe(account.address);
      expect(recoverTransactionSigner(raw)).toBe(
        await recoverTransactionAddress({ serializedTransaction: raw as TransactionSerialized }),
      );
    }
  });

  it('a legacy transaction without a chain id (v = 27/28)', async () => {
    const account = privateKeyToAccount(keys[0]!);
    const raw = await account.signTransaction({
      type: 'legacy',
      nonce: 0,
      to,
      gas: 21_000n,
      gasPrice: 1n,
    });
    expect(recoverTransactionSigner(raw)).toBe(account.address);
  });

  it('digests: the same address as viem, another one for another digest, null for no key', async () => {
    const key = keys[1]!;
    const hash = keccak256(toHex('digest'));
    const sig = await sign({ hash, privateKey: key });
    const address = privateKeyToAccount(key).address;
    const yParity = sig.yParity!;
    expect(recoverSignerAddress(hash, { r: sig.r, s: sig.s, yParity })).toBe(address);
    expect(await recoverAddress({ hash, signature: sig })).toBe(address);
    const other = keccak256(toHex('other digest'));
    expect(recoverSignerAddress(other, { r: sig.r, s: sig.s, yParity })).not.toBe(address);
    expect(recoverSignerAddress(hash, { r: '0x0', s: sig.s, yParity })).toBeNull();
    const n = 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141';
    expect(recoverSignerAddress(hash, { r: `0x${n}` as Hex, s: sig.s, yParity })).toBeNull();
    expect(recoverSignerAddress(hash, { r: sig.r, s: sig.s, yParity: 2 })).toBeNull();
  });
});
