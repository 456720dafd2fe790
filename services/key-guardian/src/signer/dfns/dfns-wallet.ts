import type { Address } from 'viem';
import type { SecretReference } from './secret-reference';

/** How key-guardian reaches one DFNS organization: the URL and references to its credentials. */
export interface DfnsConnection {
  readonly baseUrl: string;
  /** The service account's credential id (public: DFNS shows it in its console). */
  readonly credId: string;
  /** Reference to the service account token (Bearer). */
  readonly authToken: SecretReference;
  /** Reference to the credential's private key (PEM: Ed25519, P-256 or RSA). */
  readonly privateKey: SecretReference;
}

/** A Keel signer wallet whose key DFNS holds. */
export interface DfnsWallet {
  readonly organizationId: string;
  readonly address: Address;
  /** The DFNS wallet id (`wa-…`). */
  readonly dfnsWalletId: string;
  readonly connection: DfnsConnection;
}

/** Finds the DFNS wallet behind a Keel signer address (Postgres in the service, a map in tests). */
export interface DfnsWalletDirectory {
  find(organizationId: string, address: Address): Promise<DfnsWallet | null>;
}
