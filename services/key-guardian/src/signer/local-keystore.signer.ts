import { randomBytes, randomUUID } from 'node:crypto';
import {
  MalformedTransactionError,
  parseUnsignedTransaction,
  recoverSignerAddress,
  signingHashOf,
} from '@keel/chain';
import {
  getAddress,
  hashMessage,
  hashTypedData,
  type Hash,
  type Hex,
  parseSignature,
  toHex,
  type TypedDataDefinition,
} from 'viem';
import { privateKeyToAddress, sign } from 'viem/accounts';
import { type EnvelopeCipher, KeystoreIntegrityError } from '../keystore/envelope-cipher';
import type { KeystoreRepository, WalletRecord } from '../keystore/keystore.repository';
import {
  type CreateWalletInput,
  type SignOutcome,
  SignerError,
  type SignTransactionInput,
  type UnifiedSigner,
  type WalletInfo,
  type WalletRef,
} from './unified-signer';

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/**
 * Keys generated here and sealed in the Postgres keystore (envelope
 * encryption). A key is decrypted only for the duration of one signature and
 * its buffer is zeroed afterwards; viem's signer takes the key as a hex string,
 * which JavaScript cannot zero, so that copy lives only inside `sign`.
 */
export class LocalKeystoreSigner implements UnifiedSigner {
  readonly provider = 'local';

  constructor(
    private readonly keystore: KeystoreRepository,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async createWallet(input: CreateWalletInput): Promise<WalletInfo> {
    const key = randomValidKey();
    try {
      return await this.store(input.organizationId, key, input.label ?? null);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Imports an existing key (embedded mode: anvil's development accounts).
   * Not part of the unified interface: custody providers never import keys.
   */
  async importWallet(organizationId: string, privateKey: Hex, label?: string): Promise<WalletInfo> {
    const key = Buffer.from(privateKey.slice(2), 'hex');
    try {
      if (key.length !== 32)
        throw new SignerError('MALFORMED_TRANSACTION', 'a private key is 32 bytes');
      const address = privateKeyToAddress(toHex(key));
      if (await this.keystore.exists(organizationId, address)) {
        const existing = (await this.keystore.list(organizationId)).find(
          (w) => w.address === address,
        );
        if (existing) return toInfo(existing);
      }
      return await this.store(organizationId, key, label ?? null);
    } finally {
      key.fill(0);
    }
  }

  async listWallets(organizationId: string): Promise<WalletInfo[]> {
    return (await this.keystore.list(organizationId)).map(toInfo);
  }

  async signTransaction(input: SignTransactionInput): Promise<SignOutcome> {
    let chainId: number;
    try {
      chainId = parseUnsignedTransaction(input.unsignedTransaction).chainId;
    } catch (err) {
      if (err instanceof MalformedTransactionError)
        throw new SignerError('MALFORMED_TRANSACTION', err.message);
      throw err;
    }
    if (chainId !== input.chainId) {
      throw new SignerError(
        'CHAIN_MISMATCH',
        `transaction is for chain ${chainId}, the request for chain ${input.chainId}`,
      );
    }
    const signature = await this.signDigest(input.wallet, signingHashOf(input.unsignedTransaction));
    return { kind: 'signed', signature };
  }

  signMessage(wallet: WalletRef, message: string | { readonly raw: Hex }): Promise<Hex> {
    return this.signDigest(wallet, hashMessage(message));
  }

  signTypedData(wallet: WalletRef, typedData: TypedDataDefinition): Promise<Hex> {
    return this.signDigest(wallet, hashTypedData(typedData));
  }

  private async store(
    organizationId: string,
    key: Buffer,
    label: string | null,
  ): Promise<WalletInfo> {
    const address = privateKeyToAddress(toHex(key));
    const record: WalletRecord = {
      id: randomUUID(),
      organizationId,
      address,
      label,
      provider: this.provider,
      createdAt: new Date(),
    };
    await this.keystore.insert(record, this.cipher.seal(key, address));
    return toInfo(record);
  }

  private async signDigest(wallet: WalletRef, digest: Hash): Promise<Hex> {
    const found = await this.keystore.findSealed(wallet.organizationId, wallet.address);
    if (!found) {
      throw new SignerError(
        'WALLET_NOT_FOUND',
        `no wallet ${getAddress(wallet.address)} in organization ${wallet.organizationId}`,
      );
    }
    let signature: Hex;
    try {
      signature = await this.cipher.withKey(found.sealed, found.wallet.address, (key) =>
        sign({ hash: digest, privateKey: toHex(key), to: 'hex' }),
      );
    } catch (err) {
      if (err instanceof KeystoreIntegrityError)
        throw new SignerError('KEYSTORE_INTEGRITY', err.message);
      throw err;
    }
    // A sealed key that does not belong to its row must never sign for it.
    const { r, s, yParity } = parseSignature(signature);
    const recovered = recoverSignerAddress(digest, { r, s, yParity });
    if (recovered !== getAddress(found.wallet.address)) {
      throw new SignerError(
        'KEYSTORE_INTEGRITY',
        `keystore record of ${found.wallet.address} holds another key`,
      );
    }
    return signature;
  }
}

function randomValidKey(): Buffer {
  for (;;) {
    const key = randomBytes(32);
    const n = BigInt(`0x${key.toString('hex')}`);
    if (n > 0n && n < SECP256K1_N) return key;
    key.fill(0);
  }
}

function toInfo(r: WalletRecord): WalletInfo {
  return {
    id: r.id,
    organizationId: r.organizationId,
    address: r.address,
    label: r.label,
    provider: r.provider,
    createdAt: r.createdAt,
  };
}
