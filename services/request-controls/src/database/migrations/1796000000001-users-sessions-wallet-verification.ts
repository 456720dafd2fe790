import type { MigrationInterface, QueryRunner } from 'typeorm';

export class UsersSessionsWalletVerification1796000000001 implements MigrationInterface {
  name = 'UsersSessionsWalletVerification1796000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE organizations (
        id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE users (
        id text PRIMARY KEY,
        organization_id text NOT NULL REFERENCES organizations (id),
        email text NOT NULL,
        display_name text,
        password_hash text NOT NULL,
        roles text[] NOT NULL,
        disabled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, email)
      )`);
    await q.query(`
      CREATE TABLE sessions (
        id text PRIMARY KEY,
        organization_id text NOT NULL,
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        access_hash bytea NOT NULL UNIQUE,
        access_expires_at timestamptz NOT NULL,
        refresh_hash bytea NOT NULL UNIQUE,
        previous_refresh_hash bytea,
        refresh_expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query('CREATE INDEX sessions_user ON sessions (user_id)');
    await q.query('CREATE INDEX sessions_previous_refresh ON sessions (previous_refresh_hash)');
    await q.query(`
      CREATE TABLE wallet_verification (
        user_id text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        pin_hash text,
        totp_secret text,
        totp_pending_secret text,
        totp_last_step bigint,
        failures integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE wallet_backup_codes (
        user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        code_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE wallet_backup_codes');
    await q.query('DROP TABLE wallet_verification');
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE users');
    await q.query('DROP TABLE organizations');
  }
}
