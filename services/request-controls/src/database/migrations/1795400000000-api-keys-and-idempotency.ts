import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeysAndIdempotency1795400000000 implements MigrationInterface {
  name = 'ApiKeysAndIdempotency1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        organization_id text NOT NULL,
        name text NOT NULL,
        secret_hash bytea NOT NULL,
        scope text NOT NULL CHECK (scope IN ('read', 'read-write')),
        roles text[] NOT NULL,
        assets text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE INDEX api_keys_org ON api_keys (organization_id)`);
    await q.query(`
      CREATE TABLE idempotency_keys (
        organization_id text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        operation_id text NOT NULL UNIQUE,
        api_key_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, idempotency_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
    await q.query('DROP TABLE api_keys');
  }
}
