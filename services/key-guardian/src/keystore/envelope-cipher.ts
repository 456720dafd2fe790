import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A private key sealed with a per-wallet data key, itself wrapped by the master key. */
export interface SealedKey {
  readonly masterKeyId: string;
  /** Data key encrypted with the master key (AES-256-GCM). */
  readonly wrappedDataKey: Buffer;
  readonly wrapIv: Buffer;
  readonly wrapTag: Buffer;
  /** Private key encrypted with the data key (AES-256-GCM). */
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
}

/** Decryption failed: wrong master key, or the stored record was altered. Carries no key material. */
export class KeystoreIntegrityError extends Error {
  override readonly name = 'KeystoreIntegrityError';
}

function seal(
  key: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): { ciphertext: Buffer; iv: Buffer; tag: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

function open(key: Buffer, ciphertext: Buffer, iv: Buffer, tag: Buffer, aad: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new KeystoreIntegrityError(
      'keystore record could not be decrypted (wrong master key or altered record)',
    );
  }
}

/**
 * AES-256-GCM envelope encryption. Each wallet has its own random data key;
 * the wallet's identity (its address) is bound into both layers as associated
 * data, so a sealed key copied onto another wallet row does not decrypt.
 * Plaintext buffers are zeroed as soon as they are no longer needed.
 */
export class EnvelopeCipher {
  private readonly masterKey: Buffer;

  constructor(
    masterKeyHex: string,
    readonly masterKeyId: string,
  ) {
    const hex = masterKeyHex.startsWith('0x') ? masterKeyHex.slice(2) : masterKeyHex;
    this.masterKey = Buffer.from(hex, 'hex');
    if (this.masterKey.length !== 32) {
      this.masterKey.fill(0);
      throw new Error('master key must be 32 bytes');
    }
  }

  /** Seals a private key; the caller still owns (and should zero) `privateKey`. */
  seal(privateKey: Uint8Array, binding: string): SealedKey {
    const aad = Buffer.from(binding.toLowerCase(), 'utf8');
    const dataKey = randomBytes(32);
    try {
      const inner = seal(dataKey, Buffer.from(privateKey), aad);
      const wrapped = seal(
        this.masterKey,
        dataKey,
        Buffer.concat([Buffer.from(`${this.masterKeyId}:`), aad]),
      );
      return {
        masterKeyId: this.masterKeyId,
        wrappedDataKey: wrapped.ciphertext,
        wrapIv: wrapped.iv,
        wrapTag: wrapped.tag,
        ciphertext: inner.ciphertext,
        iv: inner.iv,
        tag: inner.tag,
      };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Opens a sealed key and passes the plaintext to `use`; the plaintext and
   * the data key are zeroed when `use` settles, whatever it does.
   */
  async withKey<T>(
    sealed: SealedKey,
    binding: string,
    use: (privateKey: Buffer) => Promise<T>,
  ): Promise<T> {
    if (sealed.masterKeyId !== this.masterKeyId) {
      throw new KeystoreIntegrityError(
        `record is wrapped by master key "${sealed.masterKeyId}", not the configured one`,
      );
    }
    const aad = Buffer.from(binding.toLowerCase(), 'utf8');
    const dataKey = open(
      this.masterKey,
      sealed.wrappedDataKey,
      sealed.wrapIv,
      sealed.wrapTag,
      Buffer.concat([Buffer.from(`${this.masterKeyId}:`), aad]),
    );
    let privateKey: Buffer | undefined;
    try {
      privateKey = open(dataKey, sealed.ciphertext, sealed.iv, sealed.tag, aad);
      return await use(privateKey);
    } finally {
      dataKey.fill(0);
      privateKey?.fill(0);
    }
  }

  /** Zeroes the master key (on shutdown). */
  destroy(): void {
    this.masterKey.fill(0);
  }

  /** Never print the master key, even by accident. */
  toJSON(): string {
    return `EnvelopeCipher(${this.masterKeyId})`;
  }
}
