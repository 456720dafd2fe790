import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

export interface IdempotencyRecord {
  readonly operationId: string;
  readonly requestHash: string;
}

/** The only code touching the idempotency_keys table. */
@Injectable()
export class IdempotencyRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /**
   * Reserves (organization, key) for this request; when the key is already
   * taken, returns the existing reservation instead (race-free: one INSERT).
   */
  async reserve(
    organizationId: string,
    idempotencyKey: string,
    requestHash: string,
    operationId: string,
    /** Who reserved it (`Principal.subjectId`). */
    subjectId: string,
  ): Promise<{ created: boolean; record: IdempotencyRecord }> {
    const inserted: { operation_id: string }[] = await this.ds.query(
      `INSERT INTO idempotency_keys (organization_id, idempotency_key, request_hash, operation_id, api_key_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, idempotency_key) DO NOTHING
       RETURNING operation_id`,
      [organizationId, idempotencyKey, requestHash, operationId, subjectId],
    );
    if (inserted.length > 0) return { created: true, record: { operationId, requestHash } };
    const rows: { operation_id: string; request_hash: string }[] = await this.ds.query(
      'SELECT operation_id, request_hash FROM idempotency_keys WHERE organization_id = $1 AND idempotency_key = $2',
      [organizationId, idempotencyKey],
    );
    const row = rows[0]!;
    return {
      created: false,
      record: { operationId: row.operation_id, requestHash: row.request_hash },
    };
  }
}
