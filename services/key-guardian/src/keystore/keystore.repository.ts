import type { Address } from 'viem';
import type { DataSource, EntityManager } from 'typeorm';
import type { SealedKey } from './envelope-cipher';

export interface WalletRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly address: Address;
  readonly label: string | null;
  readonly provider: string;
  readonly createdAt: Date;
}

interface WalletRow {
  id: string;
  organization_id: string;
  address: string;
  label: string | null;
  provider: string;
  created_at: Date;
  master_key_id: string | null;
  wrapped_data_key: Buffer | null;
  wrap_iv: Buffer | null;
  wrap_tag: Buffer | null;
  ciphertext: Buffer | null;
  iv: Buffer | null;
  tag: Buffer | null;
}

function toRecord(r: WalletRow): WalletRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    address: r.address as Address,
    label: r.label,
    provider: r.provider,
    createdAt: r.created_at,
  };
}

/** The only code that reads or writes sealed keys. Addresses are stored checksummed. */
export class KeystoreRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(wallet: WalletRecord, sealed: SealedKey, manager?: EntityManager): Promise<void> {
    await (manager ?? this.dataSource.manager).query(
      `INSERT INTO kg_wallet (id, organization_id, address, label, provider, master_key_id,
         wrapped_data_key, wrap_iv, wrap_tag, ciphertext, iv, tag, created_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
      [
        wallet.id,
        wallet.organizationId,
        wallet.address,
        wallet.label,
        wallet.provider,
        sealed.masterKeyId,
        sealed.wrappedDataKey,
        sealed.wrapIv,
        sealed.wrapTag,
        sealed.ciphertext,
        sealed.iv,
        sealed.tag,
        wallet.createdAt,
      ],
    );
  }

  async findSealed(
    organizationId: string,
    address: Address,
  ): Promise<{ wallet: WalletRecord; sealed: SealedKey } | null> {
    const rows = await this.dataSource.query<WalletRow[]>(
      `SELECT * FROM kg_wallet WHERE organization_id = $1 AND lower(address) = lower($2)`,
      [organizationId, address],
    );
    const r = rows[0];
    // A provider's wallet has no sealed key here (the CHECK constraint keeps the two apart).
    if (
      !r ||
      r.provider !== 'local' ||
      !r.master_key_id ||
      !r.wrapped_data_key ||
      !r.wrap_iv ||
      !r.wrap_tag ||
      !r.ciphertext ||
      !r.iv ||
      !r.tag
    )
      return null;
    return {
      wallet: toRecord(r),
      sealed: {
        masterKeyId: r.master_key_id,
        wrappedDataKey: r.wrapped_data_key,
        wrapIv: r.wrap_iv,
        wrapTag: r.wrap_tag,
        ciphertext: r.ciphertext,
        iv: r.iv,
        tag: r.tag,
      },
    };
  }

  /** Which backend holds the key of this wallet (`local`, `dfns`, …), or null if there is none. */
  async providerOf(organizationId: string, address: Address): Promise<string | null> {
    const rows = await this.dataSource.query<{ provider: string }[]>(
      `SELECT provider FROM kg_wallet WHERE organization_id = $1 AND lower(address) = lower($2)`,
      [organizationId, address],
    );
    return rows[0]?.provider ?? null;
  }

  async exists(organizationId: string, address: Address): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM kg_wallet WHERE organization_id = $1 AND lower(address) = lower($2)`,
      [organizationId, address],
    );
    return rows.length > 0;
  }

  async list(organizationId: string): Promise<WalletRecord[]> {
    const rows = await this.dataSource.query<WalletRow[]>(
      `SELECT id, organization_id, address, label, provider, created_at FROM kg_wallet
       WHERE organization_id = $1 ORDER BY created_at, address`,
      [organizationId],
    );
    return rows.map(toRecord);
  }
}
