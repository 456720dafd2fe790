import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Transactions being broadcast and confirmed, and the canonical blocks the
 * log stream has published (its cursor and reorg memory).
 */
export class CreateChainTracking1795400000200 implements MigrationInterface {
  readonly name = 'CreateChainTracking1795400000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE cg_transaction (
        chain_id               integer     NOT NULL,
        hash                   text        NOT NULL,
        organization_id        text        NOT NULL,
        operation_id           text        NOT NULL,
        transaction_index      integer     NOT NULL,
        from_address           text        NOT NULL,
        nonce                  bigint      NOT NULL,
        raw_tx                 text        NOT NULL,
        confirmations_required integer     NOT NULL,
        state                  text        NOT NULL CHECK (state IN ('pending', 'included', 'confirmed', 'final', 'dropped')),
        block_number           bigint,
        block_hash             text,
        status                 text,
        gas_used               numeric(78),
        effective_gas_price    numeric(78),
        last_error             text,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain_id, hash)
      )`);
    await q.query(
      `CREATE INDEX cg_transaction_open ON cg_transaction (chain_id) WHERE state IN ('pending', 'included', 'confirmed')`,
    );
    await q.query(`
      CREATE TABLE cg_block (
        chain_id     integer NOT NULL,
        block_number bigint  NOT NULL,
        block_hash   text    NOT NULL,
        PRIMARY KEY (chain_id, block_number)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cg_block`);
    await q.query(`DROP TABLE cg_transaction`);
  }
}
