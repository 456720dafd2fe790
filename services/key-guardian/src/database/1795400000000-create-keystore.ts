import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Wallets of the local keystore and the record of every signing request. */
export class CreateKeystore1795400000000 implements MigrationInterface {
  readonly name = 'CreateKeystore1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kg_wallet (
        id               uuid        PRIMARY KEY,
        organization_id  text        NOT NULL,
        address          text        NOT NULL,
        label            text,
        provider         text        NOT NULL DEFAULT 'local',
        master_key_id    text        NOT NULL,
        wrapped_data_key bytea       NOT NULL,
        wrap_iv          bytea       NOT NULL,
        wrap_tag         bytea       NOT NULL,
        ciphertext       bytea       NOT NULL,
        iv               bytea       NOT NULL,
        tag              bytea       NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, address)
      )`);
    await q.query(`
      CREATE TABLE kg_signing_request (
        request_id      text        PRIMARY KEY,
        organization_id text        NOT NULL,
        operation_id    text        NOT NULL,
        signer          text        NOT NULL,
        signing_hash    text        NOT NULL,
        outcome         text        NOT NULL,
        signature       text,
        error_code      text,
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kg_signing_request`);
    await q.query(`DROP TABLE kg_wallet`);
  }
}
