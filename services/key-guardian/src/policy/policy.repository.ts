import type { DataSource, EntityManager } from 'typeorm';
import { type WalletPolicy, walletPolicySchema } from './policy-document';

export interface StoredPolicy {
  readonly organizationId: string;
  readonly wallet: string;
  readonly policy: WalletPolicy;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

interface PolicyRow {
  organization_id: string;
  wallet: string;
  policy: unknown;
  updated_by: string;
  updated_at: Date;
}

/**
 * Wallet policies and rolling spend reservations. Spend is reserved under a
 * row lock per (organization, wallet, asset), so concurrent decisions on one
 * wallet see each other's reservations; a released reservation stops counting.
 */
export class PolicyRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(
    manager: EntityManager | null,
    organizationId: string,
    wallet: string,
  ): Promise<StoredPolicy | null> {
    const rows = await (manager ?? this.dataSource.manager).query<PolicyRow[]>(
      `SELECT * FROM kg_wallet_policy WHERE organization_id = $1 AND wallet = $2`,
      [organizationId, wallet.toLowerCase()],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      organizationId: r.organization_id,
      wallet: r.wallet,
      policy: walletPolicySchema.parse(r.policy),
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    };
  }

  async upsert(
    organizationId: string,
    wallet: string,
    policy: WalletPolicy,
    updatedBy: string,
  ): Promise<StoredPolicy> {
    const rows = await this.dataSource.query<PolicyRow[]>(
      `INSERT INTO kg_wallet_policy (organization_id, wallet, policy, updated_by)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id, wallet)
       DO UPDATE SET policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by, updated_at = now()
       RETURNING *`,
      [organizationId, wallet.toLowerCase(), JSON.stringify(policy), updatedBy],
    );
    const r = rows[0]!;
    return {
      organizationId: r.organization_id,
      wallet: r.wallet,
      policy,
      updatedBy: r.updated_by,
      updatedAt: r.updated_at,
    };
  }

  /** Locks the spend of these assets of a wallet until the transaction ends (sorted: no deadlock). */
  async lockSpend(
    manager: EntityManager,
    organizationId: string,
    wallet: string,
    assets: readonly string[],
  ): Promise<void> {
    for (const asset of [...new Set(assets)].sort()) {
      await manager.query(
        `INSERT INTO kg_spend_lock (organization_id, wallet, asset) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [organizationId, wallet.toLowerCase(), asset],
      );
      await manager.query(
        `SELECT 1 FROM kg_spend_lock WHERE organization_id = $1 AND wallet = $2 AND asset = $3 FOR UPDATE`,
        [organizationId, wallet.toLowerCase(), asset],
      );
    }
  }

  /** What is reserved (not released) for an asset within the last `windowSeconds`; call under lockSpend. */
  async spentWithin(
    manager: EntityManager,
    organizationId: string,
    wallet: string,
    asset: string,
    windowSeconds: number,
  ): Promise<bigint> {
    const rows = await manager.query<{ spent: string }[]>(
      `SELECT COALESCE(SUM(amount), 0)::text AS spent FROM kg_spend_reservation
       WHERE organization_id = $1 AND wallet = $2 AND asset = $3 AND released_at IS NULL
         AND reserved_at > clock_timestamp() - make_interval(secs => $4)`,
      [organizationId, wallet.toLowerCase(), asset, windowSeconds],
    );
    return BigInt(rows[0]?.spent ?? '0');
  }

  async reserve(
    manager: EntityManager,
    organizationId: string,
    wallet: string,
    requestId: string,
    totals: ReadonlyMap<string, bigint>,
  ): Promise<void> {
    for (const [asset, amount] of totals) {
      await manager.query(
        `INSERT INTO kg_spend_reservation (organization_id, wallet, asset, amount, request_id) VALUES ($1, $2, $3, $4, $5)`,
        [organizationId, wallet.toLowerCase(), asset, amount.toString(), requestId],
      );
    }
  }

  /** A rejected, expired or refused request stops counting against the rolling limits. */
  async release(manager: EntityManager, requestId: string): Promise<void> {
    await manager.query(
      `UPDATE kg_spend_reservation SET released_at = clock_timestamp() WHERE request_id = $1 AND released_at IS NULL`,
      [requestId],
    );
  }

  /** An operation that ended without effect: every request signed for it stops counting. */
  async releaseOperation(
    manager: EntityManager,
    organizationId: string,
    operationId: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE kg_spend_reservation SET released_at = clock_timestamp()
       WHERE released_at IS NULL AND request_id IN (
         SELECT request_id FROM kg_signing_request WHERE organization_id = $1 AND operation_id = $2)`,
      [organizationId, operationId],
    );
  }
}
