import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeCipher, KeystoreIntegrityError } from './envelope-cipher';

const master = randomBytes(32).toString('hex');
const address = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('EnvelopeCipher', () => {
  it('round-trips a key and zeroes the plaintext afterwards', async () => {
    const cipher = new EnvelopeCipher(master, 'v1');
    const key = randomBytes(32);
    const sealed = cipher.seal(key, address);
    expect(sealed.ciphertext.equals(key)).toBe(false);
    expect(sealed.wrappedDataKey).toHaveLength(32);
    let seen: Buffer | undefined;
    const copy = await cipher.withKey(sealed, address, async (k) => {
      seen = k;
      return Buffer.from(k);
    });
    expect(copy.equals(key)).toBe(true);
    expect(seen?.every((b) => b === 0)).toBe(true);
  });

  it('zeroes the plaintext even when the user throws', async () => {
    const cipher = new EnvelopeCipher(master, 'v1');
    const sealed = cipher.seal(randomBytes(32), address);
    let seen: Buffer | undefined;
    await expect(
      cipher.withKey(sealed, address, async (k) => {
        seen = k;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(seen?.every((b) => b === 0)).toBe(true);
  });

  it('refuses a wrong master key, an altered record and a record moved to another wallet', async () => {
    const cipher = new EnvelopeCipher(master, 'v1');
    const key = randomBytes(32);
    const sealed = cipher.seal(key, address);
    const other = new EnvelopeCipher(randomBytes(32).toString('hex'), 'v1');
    const use = async () => 'used';
    await expect(other.withKey(sealed, address, use)).rejects.toBeInstanceOf(
      KeystoreIntegrityError,
    );
    const altered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext).fill(1, 0, 1) };
    await expect(cipher.withKey(altered, address, use)).rejects.toBeInstanceOf(
      KeystoreIntegrityError,
    );
    await expect(
      cipher.withKey(sealed, '0x0000000000000000000000000000000000000001', use),
    ).rejects.toBeInstanceOf(KeystoreIntegrityError);
    await expect(
      new EnvelopeCipher(master, 'v2').withKey(sealed, address, use),
    ).rejects.toBeInstanceOf(KeystoreIntegrityError);
    for (const err of await Promise.all([
      other.withKey(sealed, address, use).catch((e: unknown) => e),
    ])) {
      const text = `${(err as Error).message} ${(err as Error).stack ?? ''} ${JSON.stringify(err)}`;
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(master);
    }
  });

  it('never serializes the master key', () => {
    const cipher = new EnvelopeCipher(master, 'v1');
    expect(JSON.stringify({ cipher })).not.toContain(master);
    expect(() => new EnvelopeCipher('abcd', 'v1')).toThrow('master key must be 32 bytes');
  });
});
