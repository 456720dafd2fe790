import { getAddress, type Address } from 'viem';
import type { DataSource } from 'typeorm';
import type { WalletRecord } from '../../keystore/keystore.repository';
import type { DfnsConnection, DfnsWallet, DfnsWalletDirectory } from './dfns-wallet';
import { parseSecretReference } from './secret-reference';

interface Row {
  organization_id: string;
  address: string;
  provider_wallet_id: string;
  provider_connection: {
    baseUrl: string;
    credId: string;
    authToken: string;
    privateKey: string;
  };
}

/**
 * DFNS wallets in `kg_wallet` (provider `dfns`): the DFNS wallet id and the
 * connection, whose credentials are stored as references only.
 */
export class DfnsWalletRepository implements DfnsWalletDirectory {
  constructor(private readonly dataSource: DataSource) {}

  async find(organizationId: string, address: Address): Promise<DfnsWallet | null> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT organization_id, address, provider_wallet_id, provider_connection FROM kg_wallet
       WHERE organization_id = $1 AND lower(address) = lower($2) AND provider = 'dfns'`,
      [organizationId, address],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      organizationId: r.organization_id,
      address: getAddress(r.address),
      dfnsWalletId: r.provider_wallet_id,
      connection: {
        baseUrl: r.provider_connection.baseUrl,
        credId: r.provider_connection.credId,
        // Parsed again on read: a row can never hand a raw secret to the client.
        authToken: parseSecretReference(r.provider_connection.authToken),
        privateKey: parseSecretReference(r.provider_connection.privateKey),
      },
    };
  }

  async insert(
    wallet: WalletRecord,
    dfnsWalletId: string,
    connection: DfnsConnection,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO kg_wallet (id, organization_id, address, label, provider, provider_wallet_id,
         provider_connection, created_at)
       VALUES ($1,$2,$3,$4,'dfns',$5,$6,$7)`,
      [
        wallet.id,
        wallet.organizationId,
        wallet.address,
        wallet.label,
        dfnsWalletId,
        JSON.stringify({
          baseUrl: connection.baseUrl,
          credId: connection.credId,
          authToken: connection.authToken,
          privateKey: connection.privateKey,
        }),
        wallet.createdAt,
      ],
    );
  }
}
