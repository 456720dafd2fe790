import type { Address, Hex, TypedDataDefinition } from 'viem';

/**
 * The provider-agnostic signer (the seed's "Unified Signer Interface"). The
 * local keystore implements it today; DFNS and Fireblocks adapters implement
 * the same interface, adding the optional capabilities they support. Nothing
 * here ever returns key material.
 */
export interface WalletRef {
  readonly organizationId: string;
  readonly address: Address;
}

export interface WalletInfo extends WalletRef {
  readonly id: string;
  readonly label: string | null;
  /** Which backend holds the key: `local`, `dfns`, `fireblocks`. */
  readonly provider: string;
  readonly createdAt: Date;
}

export interface CreateWalletInput {
  readonly organizationId: string;
  readonly label?: string;
}

export interface SignTransactionInput {
  readonly wallet: WalletRef;
  readonly chainId: number;
  /** Serialized unsigned EIP-1559 transaction; the backend signs exactly these bytes. */
  readonly unsignedTransaction: Hex;
  /**
   * Keel's signing request id (one per nonce reservation). A remote provider
   * derives its idempotency key from it, so a retry never makes a second request.
   */
  readonly idempotencyKey?: string;
}

export type SignOutcome =
  | { readonly kind: 'signed'; readonly signature: Hex }
  /** The provider holds the request for approval (custody quorum, provider policy). */
  | { readonly kind: 'approval-required'; readonly approvalId: string };

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

/** Optional: providers whose policy may hold a signature for approval. */
export interface ApprovalCapability {
  approvalStatus(approvalId: string): Promise<ApprovalStatus>;
  /** Fetches the signature of an approved request. */
  resume(approvalId: string): Promise<SignOutcome>;
}

/** Optional: providers that broadcast themselves (the hash still comes from the validated bytes). */
export interface NativeBroadcastCapability {
  broadcast(input: SignTransactionInput): Promise<{ readonly rawTransaction: Hex }>;
}

export interface UnifiedSigner {
  readonly provider: string;
  createWallet(input: CreateWalletInput): Promise<WalletInfo>;
  listWallets(organizationId: string): Promise<WalletInfo[]>;
  signTransaction(input: SignTransactionInput): Promise<SignOutcome>;
  /** EIP-191 personal message signature. */
  signMessage(wallet: WalletRef, message: string | { readonly raw: Hex }): Promise<Hex>;
  /** EIP-712 typed data signature. */
  signTypedData(wallet: WalletRef, typedData: TypedDataDefinition): Promise<Hex>;
  readonly approvals?: ApprovalCapability;
  readonly nativeBroadcast?: NativeBroadcastCapability;
}

export const signerErrorCodes = [
  'WALLET_NOT_FOUND',
  'CHAIN_MISMATCH',
  'MALFORMED_TRANSACTION',
  'KEYSTORE_INTEGRITY',
  'PROVIDER_UNAVAILABLE',
  /** The provider refused the request (a 4xx, a failed request): not retried. */
  'PROVIDER_REFUSED',
  /** The provider's policy rejected the request, with its reason. */
  'BLOCKED_BY_POLICY',
  /** What a remote signer returned does not match the request (the field is in details). */
  'PAYLOAD_MISMATCH',
] as const;
export type SignerErrorCode = (typeof signerErrorCodes)[number];

/** A typed signer failure; messages name the wallet and the reason, never key material. */
export class SignerError extends Error {
  override readonly name = 'SignerError';
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(
    readonly code: SignerErrorCode,
    message: string,
    options:
      | boolean
      | { readonly retryable?: boolean; readonly details?: Record<string, unknown> } = false,
  ) {
    super(message);
    const opts = typeof options === 'boolean' ? { retryable: options } : options;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}
