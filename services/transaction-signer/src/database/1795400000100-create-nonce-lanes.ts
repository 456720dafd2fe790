import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Nonce lanes per (organization, signer, chain) and one reservation row per
 * nonce. A reservation moves reserved → signing → signed → broadcast → mined,
 * or ends replaced (its nonce was consumed by another transaction, e.g. the key
 * used outside Keel) or filled (a no-op self-transfer took the nonce).
 */
export class CreateNonceLanes1795400000100 implements MigrationInterface {
  readonly name = 'CreateNonceLanes1795400000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ts_nonce_lane (
        organization_id text        NOT NULL,
        signer          text        NOT NULL,
        chain_id        integer     NOT NULL,
        next_nonce      bigint      NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, signer, chain_id)
      )`);
    await q.query(`
      CREATE TABLE ts_nonce_reservation (
        id                       uuid        PRIMARY KEY,
        organization_id          text        NOT NULL,
        signer                   text        NOT NULL,
        chain_id                 integer     NOT NULL,
        nonce                    bigint      NOT NULL,
        kind                     text        NOT NULL CHECK (kind IN ('operation', 'noop')),
        reservation_key          text,
        operation_id             text        NOT NULL,
        transaction_index        integer     NOT NULL,
        state                    text        NOT NULL CHECK (state IN ('reserved', 'signing', 'signed', 'broadcast', 'mined', 'replaced', 'filled', 'abandoned')),
        to_address               text        NOT NULL,
        data                     text        NOT NULL,
        value                    numeric(78) NOT NULL,
        gas                      numeric(78) NOT NULL,
        max_fee_per_gas          numeric(78) NOT NULL,
        max_priority_fee_per_gas numeric(78) NOT NULL,
        sign_request_id          text        UNIQUE,
        unsigned_tx              text,
        raw_tx                   text,
        tx_hash                  text,
        replaced_hashes          text[]      NOT NULL DEFAULT '{}',
        last_error               text,
        signed_at                timestamptz,
        broadcast_at             timestamptz,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      )`);
    // One row per nonce of a lane: no duplicates, ever.
    await q.query(
      `CREATE UNIQUE INDEX ts_reservation_nonce ON ts_nonce_reservation (organization_id, signer, chain_id, nonce)`,
    );
    // At most one live reservation per idempotency key (a replaced one gives way to its successor).
    await q.query(
      `CREATE UNIQUE INDEX ts_reservation_key ON ts_nonce_reservation (reservation_key) WHERE kind = 'operation' AND state <> 'replaced'`,
    );
    await q.query(`CREATE INDEX ts_reservation_hash ON ts_nonce_reservation (chain_id, tx_hash)`);
    await q.query(
      `CREATE INDEX ts_reservation_live ON ts_nonce_reservation (organization_id, signer, chain_id, nonce) WHERE state IN ('reserved', 'signing', 'signed', 'broadcast')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ts_nonce_reservation`);
    await q.query(`DROP TABLE ts_nonce_lane`);
  }
}
