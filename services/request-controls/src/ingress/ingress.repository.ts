import { returnedRows } from '@keel/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

export interface IngressSigningKeyRecord {
  readonly apiKeyId: string;
  readonly organizationId: string;
  readonly revoked: boolean;
  /** Null for keys issued before ingress existed or while no encryption key was configured. */
  readonly sealedKey: string | null;
}

export interface IngressOperationRecord {
  readonly operationId: string;
  readonly organizationId: string;
  readonly apiKeyId: string;
  readonly correlationId: string;
  readonly messageId: string;
}

/** The only code touching the ingress tables (and the ingress column of api_keys). */
@Injectable()
export class IngressRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async findSigningKey(apiKeyId: string): Promise<IngressSigningKeyRecord | null> {
    const rows: {
      id: string;
      organization_id: string;
      revoked_at: Date | null;
      ingress_key_sealed: string | null;
    }[] = await this.ds.query(
      'SELECT id, organization_id, revoked_at, ingress_key_sealed FROM api_keys WHERE id = $1',
      [apiKeyId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      apiKeyId: r.id,
      organizationId: r.organization_id,
      revoked: r.revoked_at !== null,
      sealedKey: r.ingress_key_sealed,
    };
  }

  /** Records a message id of a key in the caller's transaction; false when it was seen before (a replay). */
  async recordMessage(
    manager: EntityManager,
    apiKeyId: string,
    messageId: string,
    correlationId: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ingress_messages (api_key_id, message_id, correlation_id) VALUES ($1, $2, $3)
       ON CONFLICT (api_key_id, message_id) DO NOTHING RETURNING message_id`,
      [apiKeyId, messageId, correlationId],
    );
    return rows.length > 0;
  }

  /** Maps an operation to the producer's correlation id; false when it was mapped already. */
  async recordOperation(manager: EntityManager, op: IngressOperationRecord): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ingress_operations (operation_id, organization_id, api_key_id, correlation_id, message_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (operation_id) DO NOTHING RETURNING operation_id`,
      [op.operationId, op.organizationId, op.apiKeyId, op.correlationId, op.messageId],
    );
    return rows.length > 0;
  }

  async findOperation(operationId: string): Promise<IngressOperationRecord | null> {
    const rows: {
      operation_id: string;
      organization_id: string;
      api_key_id: string;
      correlation_id: string;
      message_id: string;
    }[] = await this.ds.query('SELECT * FROM ingress_operations WHERE operation_id = $1', [
      operationId,
    ]);
    const r = rows[0];
    if (!r) return null;
    return {
      operationId: r.operation_id,
      organizationId: r.organization_id,
      apiKeyId: r.api_key_id,
      correlationId: r.correlation_id,
      messageId: r.message_id,
    };
  }

  /** Marks a dead letter as answered in the caller's transaction; false when it was answered before. */
  async markDeadLetterAnswered(
    manager: EntityManager,
    partition: number,
    offset: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ingress_dead_letter_answers (dlq_partition, dlq_offset) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING dlq_offset`,
      [partition, offset],
    );
    return rows.length > 0;
  }

  /** Forgets message ids older than the retention (which must exceed the replay window). */
  async pruneMessages(retentionSeconds: number): Promise<number> {
    const rows = returnedRows(
      await this.ds.query(
        `DELETE FROM ingress_messages WHERE received_at < now() - make_interval(secs => $1)
         RETURNING message_id`,
        [retentionSeconds],
      ),
    );
    return rows.length;
  }
}
