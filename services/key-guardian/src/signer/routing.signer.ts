import { getAddress, type Hex, type TypedDataDefinition } from 'viem';
import type { KeystoreRepository } from '../keystore/keystore.repository';
import {
  type CreateWalletInput,
  type SignOutcome,
  SignerError,
  type SignTransactionInput,
  type UnifiedSigner,
  type WalletInfo,
  type WalletRef,
} from './unified-signer';

/**
 * The unified signer key-guardian serves: each wallet names the backend that
 * holds its key (`kg_wallet.provider`), and every call goes to that backend.
 * New wallets without a provider are local keystore wallets.
 */
export class RoutingSigner implements UnifiedSigner {
  readonly provider = 'routing';

  constructor(
    private readonly keystore: KeystoreRepository,
    private readonly local: UnifiedSigner,
    private readonly backends: Readonly<Record<string, UnifiedSigner>>,
  ) {}

  createWallet(input: CreateWalletInput): Promise<WalletInfo> {
    return this.local.createWallet(input);
  }

  /** Every wallet of the organization, whichever backend holds it (one table). */
  listWallets(organizationId: string): Promise<WalletInfo[]> {
    return this.local.listWallets(organizationId);
  }

  async signTransaction(input: SignTransactionInput): Promise<SignOutcome> {
    return (await this.backendOf(input.wallet)).signTransaction(input);
  }

  async signMessage(wallet: WalletRef, message: string | { readonly raw: Hex }): Promise<Hex> {
    return (await this.backendOf(wallet)).signMessage(wallet, message);
  }

  async signTypedData(wallet: WalletRef, typedData: TypedDataDefinition): Promise<Hex> {
    return (await this.backendOf(wallet)).signTypedData(wallet, typedData);
  }

  private async backendOf(wallet: WalletRef): Promise<UnifiedSigner> {
    const provider = await this.keystore.providerOf(wallet.organizationId, wallet.address);
    if (provider === null || provider === this.local.provider) return this.local;
    const backend = this.backends[provider];
    if (!backend)
      throw new SignerError(
        'PROVIDER_UNAVAILABLE',
        `wallet ${getAddress(wallet.address)} is held by ${provider}, which this key-guardian is not configured for`,
      );
    return backend;
  }
}
