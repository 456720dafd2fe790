import type { DataSource, EntityManager } from 'typeorm';
import { type MetadataEntry, metadataEntries } from './metadata-key';

/** The block a read reflects: every log up to and including it is applied. */
export interface AsOf {
  readonly chainId: number;
  readonly blockNumber: string;
  readonly blockHash: string | null;
}

export interface Page<T> {
  readonly items: T[];
  /** Opaque cursor of the next page; null on the last page. */
  readonly nextCursor: string | null;
  readonly asOf: AsOf[];
}

export interface AssetView {
  chainId: number;
  address: string;
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  version: string | null;
  onchainId: string | null;
  isin: string | null;
  identityRegistry: string | null;
  compliance: string | null;
  paused: boolean;
  totalSupply: string;
  holderCount: number;
  /** Decoded keys (`faceValue`) with the raw bytes32 key beside them. */
  metadata: MetadataEntry[];
  createdBlock: string;
  updatedBlock: string;
}

export interface AssetDetail extends AssetView {
  complianceModules: string[];
  roles: { role: string; account: string; grantedBlock: string }[];
}

export interface HolderView {
  wallet: string;
  balance: string;
  frozenAmount: string;
  /** balance − frozenAmount (never negative). */
  available: string;
  addressFrozen: boolean;
  updatedBlock: string;
}

export interface IdentityView {
  wallet: string;
  registrations: {
    chainId: number;
    /** The identity registry storage holding the registration (shared by the registries bound to it). */
    storage: string;
    identity: string;
    country: number | null;
    updatedBlock: string;
    claims: {
      claimId: string;
      topic: string;
      scheme: string;
      issuer: string;
      issuedBy: ClaimIssuerView;
      data: string;
      uri: string;
      updatedBlock: string;
    }[];
  }[];
  asOf: AsOf[];
}

export const holderSorts = ['balance', 'wallet', 'frozen'] as const;
export type HolderSort = (typeof holderSorts)[number];

export interface HolderQuery {
  readonly chainId?: number;
  readonly sort: HolderSort;
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly cursor?: string;
  /** Only holders with at least this balance (base units). */
  readonly minBalance?: bigint;
  /** true: only holders with a frozen address or frozen tokens; false: only those with neither. */
  readonly frozen?: boolean;
  /** Include wallets whose balance is zero (former holders). */
  readonly includeZero: boolean;
}

export class CursorError extends Error {}

const SORT_COLUMN: Record<HolderSort, string> = {
  balance: 'h.balance',
  wallet: 'h.wallet',
  frozen: 'h.frozen_amount',
};

/**
 * The read side of the indexer, used by its HTTP read endpoint (and meant for
 * the public API's asset and identity reads). Each read runs in one
 * REPEATABLE READ transaction, so the rows and the checkpoint it reports come
 * from the same snapshot: `asOf` is exactly the block the answer reflects.
 */
export class ReadModelsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private snapshot<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  private async asOf(m: EntityManager, chainId?: number): Promise<AsOf[]> {
    const rows = await m.query<
      { chain_id: number; block_number: string; block_hash: string | null }[]
    >(
      `SELECT chain_id, block_number, block_hash FROM ix_checkpoint
        WHERE $1::int IS NULL OR chain_id = $1 ORDER BY chain_id`,
      [chainId ?? null],
    );
    return rows.map((r) => ({
      chainId: r.chain_id,
      blockNumber: String(r.block_number),
      blockHash: r.block_hash,
    }));
  }

  /** The indexer's checkpoint per chain now (for reads that wait for a block). */
  indexedBlocks(chainId?: number): Promise<AsOf[]> {
    return this.asOf(this.dataSource.manager, chainId);
  }

  async listAssets(query: {
    chainId?: number;
    limit: number;
    cursor?: string;
  }): Promise<Page<AssetView>> {
    const after = query.cursor ? decodeCursor<{ c: number; a: string }>(query.cursor) : undefined;
    return this.snapshot(async (m) => {
      const rows = await m.query<AssetRow[]>(
        `${ASSET_SELECT}
          WHERE ($1::int IS NULL OR a.chain_id = $1)
            AND ($2::int IS NULL OR (a.chain_id, a.address) > ($2::int, $3::text))
          ORDER BY a.chain_id, a.address LIMIT $4`,
        [query.chainId ?? null, after?.c ?? null, after?.a ?? null, query.limit + 1],
      );
      const items = rows.slice(0, query.limit).map(toAssetView);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor:
          rows.length > query.limit && last
            ? encodeCursor({ c: last.chainId, a: last.address })
            : null,
        asOf: await this.asOf(m, query.chainId),
      };
    });
  }

  async getAsset(
    address: string,
    chainId?: number,
  ): Promise<{ asset: AssetDetail; asOf: AsOf[] } | null> {
    return this.snapshot(async (m) => {
      const rows = await m.query<AssetRow[]>(
        `${ASSET_SELECT} WHERE a.address = $1 AND ($2::int IS NULL OR a.chain_id = $2)
          ORDER BY a.chain_id LIMIT 1`,
        [address.toLowerCase(), chainId ?? null],
      );
      const row = rows[0];
      if (!row) return null;
      const asset = toAssetView(row);
      const modules = await m.query<{ module: string }[]>(
        `SELECT module FROM ix_compliance_module WHERE chain_id = $1 AND compliance = $2
          ORDER BY added_block, added_index`,
        [asset.chainId, asset.compliance ?? ''],
      );
      const roles = await m.query<{ role: string; account: string; granted_block: string }[]>(
        `SELECT role, account, granted_block FROM ix_role WHERE chain_id = $1 AND contract = $2
          ORDER BY role, account`,
        [asset.chainId, asset.address],
      );
      return {
        asset: {
          ...asset,
          complianceModules: modules.map((r) => r.module),
          roles: roles.map((r) => ({
            role: r.role,
            account: r.account,
            grantedBlock: String(r.granted_block),
          })),
        },
        asOf: await this.asOf(m, asset.chainId),
      };
    });
  }

  /** Holders of an asset; null when the asset is unknown. */
  async listHolders(asset: string, q: HolderQuery): Promise<Page<HolderView> | null> {
    const after = q.cursor ? decodeCursor<{ v: string; w: string }>(q.cursor) : undefined;
    const column = SORT_COLUMN[q.sort];
    const cmp = q.order === 'asc' ? '>' : '<';
    const dir = q.order === 'asc' ? 'ASC' : 'DESC';
    const typed = q.sort === 'wallet' ? 'text' : 'numeric';
    return this.snapshot(async (m) => {
      const found = await m.query<{ chain_id: number }[]>(
        `SELECT chain_id FROM ix_asset WHERE address = $1 AND ($2::int IS NULL OR chain_id = $2)
          ORDER BY chain_id LIMIT 1`,
        [asset.toLowerCase(), q.chainId ?? null],
      );
      const chainId = found[0]?.chain_id;
      if (chainId === undefined) return null;
      const rows = await m.query<HolderRow[]>(
        `SELECT h.wallet, h.balance::text AS balance, h.frozen_amount::text AS frozen_amount,
                h.address_frozen, h.updated_block::text AS updated_block
           FROM ix_holder h
          WHERE h.chain_id = $1 AND h.asset = $2
            AND ($3::boolean OR h.balance > 0)
            AND ($4::numeric IS NULL OR h.balance >= $4::numeric)
            AND ($5::boolean IS NULL OR (h.address_frozen OR h.frozen_amount > 0) = $5::boolean)
            AND ($6::text IS NULL OR (${column}, h.wallet) ${cmp} ($6::${typed}, $7::text))
          ORDER BY ${column} ${dir}, h.wallet ${dir}
          LIMIT $8`,
        [
          chainId,
          asset.toLowerCase(),
          q.includeZero,
          q.minBalance?.toString() ?? null,
          q.frozen ?? null,
          after?.v ?? null,
          after?.w ?? null,
          q.limit + 1,
        ],
      );
      const items = rows.slice(0, q.limit).map(toHolderView);
      const last = items[items.length - 1];
      const sortValue = (h: HolderView) =>
        q.sort === 'balance' ? h.balance : q.sort === 'frozen' ? h.frozenAmount : h.wallet;
      return {
        items,
        nextCursor:
          rows.length > q.limit && last
            ? encodeCursor({ v: sortValue(last), w: last.wallet })
            : null,
        asOf: await this.asOf(m, chainId),
      };
    });
  }

  async getIdentity(wallet: string, chainId?: number): Promise<IdentityView> {
    return this.snapshot(async (m) => {
      const regs = await m.query<
        {
          chain_id: number;
          registry: string;
          identity: string;
          country: number | null;
          updated_block: string;
        }[]
      >(
        `SELECT chain_id, registry, identity, country, updated_block::text AS updated_block
           FROM ix_identity WHERE wallet = $1 AND ($2::int IS NULL OR chain_id = $2)
          ORDER BY chain_id, registry`,
        [wallet.toLowerCase(), chainId ?? null],
      );
      const registrations = [];
      for (const r of regs) {
        const claims = await m.query<
          {
            claim_id: string;
            topic: string;
            scheme: string;
            issuer: string;
            data: string;
            uri: string;
            updated_block: string;
          }[]
        >(
          `SELECT claim_id, topic::text AS topic, scheme::text AS scheme, issuer, data, uri,
                  updated_block::text AS updated_block
             FROM ix_claim WHERE chain_id = $1 AND identity = $2 ORDER BY topic, claim_id`,
          [r.chain_id, r.identity],
        );
        registrations.push({
          chainId: r.chain_id,
          storage: r.registry,
          identity: r.identity,
          country: r.country,
          updatedBlock: r.updated_block,
          claims: await Promise.all(
            claims.map(async (c) => ({
              claimId: c.claim_id,
              topic: c.topic,
              scheme: c.scheme,
              issuer: c.issuer,
              issuedBy: await this.issuedBy(m, r.chain_id, c.issuer, c.topic),
              data: c.data,
              uri: c.uri,
              updatedBlock: c.updated_block,
            })),
          ),
        });
      }
      return { wallet: wallet.toLowerCase(), registrations, asOf: await this.asOf(m, chainId) };
    });
  }

  /** The claim issuer contract's owner (the wallet issuer.trust named) and where it is trusted. */
  private async issuedBy(
    m: EntityManager,
    chainId: number,
    issuer: string,
    topic: string,
  ): Promise<ClaimIssuerView> {
    const [owner] = await m.query<{ owner: string }[]>(
      'SELECT owner FROM ix_claim_issuer WHERE chain_id = $1 AND address = $2',
      [chainId, issuer],
    );
    const entries = await m.query<{ registry: string; topics: string; updated_block: string }[]>(
      `SELECT registry, topics, updated_block::text AS updated_block FROM ix_trusted_issuer
        WHERE chain_id = $1 AND issuer = $2 ORDER BY registry`,
      [chainId, issuer],
    );
    const trustedBy = entries.map((e) => {
      const topics = e.topics === '' ? [] : e.topics.split(',');
      return {
        registry: e.registry,
        topics,
        forThisTopic: topics.includes(topic),
        updatedBlock: e.updated_block,
      };
    });
    return { claimIssuer: issuer, owner: owner?.owner ?? null, trustedBy };
  }
}

/**
 * Who issued a claim, beyond the claim issuer contract's address: its owner
 * (for a claim issuer Keel created, the key-guardian wallet given to
 * issuer.trust, which also signs its claims) and each trusted-issuer registry
 * entry naming it, with the claim topics it is trusted for there.
 */
export interface ClaimIssuerView {
  claimIssuer: string;
  /** null when the claim issuer was not created by an indexed identity factory. */
  owner: string | null;
  trustedBy: { registry: string; topics: string[]; forThisTopic: boolean; updatedBlock: string }[];
}

interface AssetRow {
  chain_id: number;
  address: string;
  name: string | null;
  symbol: string | null;
  decimals: number | null;
  version: string | null;
  onchain_id: string | null;
  isin: string | null;
  identity_registry: string | null;
  compliance: string | null;
  paused: boolean;
  total_supply: string;
  holder_count: string;
  metadata: Record<string, string>;
  created_block: string;
  updated_block: string;
}

interface HolderRow {
  wallet: string;
  balance: string;
  frozen_amount: string;
  address_frozen: boolean;
  updated_block: string;
}

const ASSET_SELECT = `
  SELECT a.chain_id, a.address, a.name, a.symbol, a.decimals, a.version, a.onchain_id, a.isin,
         a.identity_registry, a.compliance, a.paused, a.total_supply::text AS total_supply,
         a.metadata, a.created_block::text AS created_block, a.updated_block::text AS updated_block,
         (SELECT count(*) FROM ix_holder h
           WHERE h.chain_id = a.chain_id AND h.asset = a.address AND h.balance > 0)::text AS holder_count
    FROM ix_asset a`;

function toAssetView(r: AssetRow): AssetView {
  return {
    chainId: r.chain_id,
    address: r.address,
    name: r.name,
    symbol: r.symbol,
    decimals: r.decimals,
    version: r.version,
    onchainId: r.onchain_id,
    isin: r.isin,
    identityRegistry: r.identity_registry,
    compliance: r.compliance,
    paused: r.paused,
    totalSupply: r.total_supply,
    holderCount: Number(r.holder_count),
    metadata: metadataEntries(r.metadata),
    createdBlock: r.created_block,
    updatedBlock: r.updated_block,
  };
}

function toHolderView(r: HolderRow): HolderView {
  const balance = BigInt(r.balance);
  const frozen = BigInt(r.frozen_amount);
  return {
    wallet: r.wallet,
    balance: r.balance,
    frozenAmount: r.frozen_amount,
    available: (balance > frozen ? balance - frozen : 0n).toString(),
    addressFrozen: r.address_frozen,
    updatedBlock: r.updated_block,
  };
}

export function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T>(cursor: string): T {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    return parsed as T;
  } catch {
    throw new CursorError('cursor is not one this endpoint returned');
  }
}
