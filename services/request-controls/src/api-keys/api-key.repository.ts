import { returnedRows } from '@keel/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyScope, PlatformRole } from '@keel/operations';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

export interface ApiKeyRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly secretHash: Buffer;
  readonly scope: ApiKeyScope;
  readonly roles: PlatformRole[];
  readonly assets: string[];
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  organization_id: string;
  name: string;
  secret_hash: Buffer;
  scope: ApiKeyScope;
  roles: PlatformRole[];
  assets: string[];
  created_at: Date;
  created_by: string | null;
  revoked_at: Date | null;
}

function toRecord(r: ApiKeyRow): ApiKeyRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    secretHash: r.secret_hash,
    scope: r.scope,
    roles: r.roles,
    assets: r.assets,
    createdAt: r.created_at,
    createdBy: r.created_by,
    revokedAt: r.revoked_at,
  };
}

/** The only code touching the api_keys table. */
@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async findById(id: string): Promise<ApiKeyRecord | null> {
    const rows: ApiKeyRow[] = await this.ds.query('SELECT * FROM api_keys WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Inserts a key (idempotent by id). `ingressKeySealed` is the sealed ingress
   * signing key; a re-installed key with the same secret gets it when it had none.
   */
  async insert(
    key: Omit<ApiKeyRecord, 'createdAt' | 'revokedAt'> & { ingressKeySealed?: string | null },
  ): Promise<ApiKeyRecord> {
    const rows: ApiKeyRow[] = await this.ds.query(
      `INSERT INTO api_keys (id, organization_id, name, secret_hash, scope, roles, assets, created_by, ingress_key_sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET ingress_key_sealed = CASE
         WHEN api_keys.ingress_key_sealed IS NULL AND api_keys.secret_hash = EXCLUDED.secret_hash
         THEN EXCLUDED.ingress_key_sealed ELSE api_keys.ingress_key_sealed END
       RETURNING *`,
      [
        key.id,
        key.organizationId,
        key.name,
        key.secretHash,
        key.scope,
        key.roles,
        key.assets,
        key.createdBy,
        key.ingressKeySealed ?? null,
      ],
    );
    return toRecord(rows[0]!);
  }

  async listByOrganization(organizationId: string): Promise<ApiKeyRecord[]> {
    const rows: ApiKeyRow[] = await this.ds.query(
      'SELECT * FROM api_keys WHERE organization_id = $1 ORDER BY created_at, id',
      [organizationId],
    );
    return rows.map(toRecord);
  }

  /** Revokes a key of the organization; false when there is no such key. */
  async revoke(organizationId: string, id: string): Promise<boolean> {
    const rows = returnedRows(
      await this.ds.query(
        `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
         WHERE organization_id = $1 AND id = $2 RETURNING id`,
        [organizationId, id],
      ),
    );
    return rows.length > 0;
  }
}
