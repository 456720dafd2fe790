import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of the indexer, the per-chain checkpoint, the journal of applied
 * blocks and the undo log that lets a re-orged block be rolled back exactly.
 * Amounts are numeric(78): a uint256 always fits.
 */
export class CreateIndexerReadModels1795500000300 implements MigrationInterface {
  readonly name = 'CreateIndexerReadModels1795500000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ix_checkpoint (
        chain_id     integer     PRIMARY KEY,
        block_number bigint      NOT NULL,
        block_hash   text,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ix_block (
        chain_id     integer NOT NULL,
        block_number bigint  NOT NULL,
        block_hash   text    NOT NULL,
        log_count    integer NOT NULL,
        PRIMARY KEY (chain_id, block_number)
      )`);
    await q.query(`
      CREATE TABLE ix_undo (
        chain_id     integer NOT NULL,
        block_number bigint  NOT NULL,
        seq          integer NOT NULL,
        table_name   text    NOT NULL,
        row_key      jsonb   NOT NULL,
        previous     jsonb,
        PRIMARY KEY (chain_id, block_number, seq)
      )`);
    // One row per applied log: its primary key makes a double application impossible.
    await q.query(`
      CREATE TABLE ix_log (
        chain_id         integer NOT NULL,
        block_number     bigint  NOT NULL,
        log_index        integer NOT NULL,
        block_hash       text    NOT NULL,
        transaction_hash text    NOT NULL,
        address          text    NOT NULL,
        event            text    NOT NULL,
        PRIMARY KEY (chain_id, block_number, log_index)
      )`);
    await q.query(`
      CREATE TABLE ix_asset (
        chain_id          integer     NOT NULL,
        address           text        NOT NULL,
        name              text,
        symbol            text,
        decimals          integer,
        version           text,
        onchain_id        text,
        isin              text,
        identity_registry text,
        compliance        text,
        paused            boolean     NOT NULL DEFAULT false,
        total_supply      numeric(78) NOT NULL DEFAULT 0,
        metadata          jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_block     bigint      NOT NULL,
        updated_block     bigint      NOT NULL,
        PRIMARY KEY (chain_id, address)
      )`);
    await q.query(`
      CREATE TABLE ix_compliance_module (
        chain_id      integer NOT NULL,
        compliance    text    NOT NULL,
        module        text    NOT NULL,
        added_block   bigint  NOT NULL,
        added_index   integer NOT NULL,
        PRIMARY KEY (chain_id, compliance, module)
      )`);
    await q.query(`
      CREATE TABLE ix_holder (
        chain_id       integer     NOT NULL,
        asset          text        NOT NULL,
        wallet         text        NOT NULL,
        balance        numeric(78) NOT NULL DEFAULT 0,
        frozen_amount  numeric(78) NOT NULL DEFAULT 0,
        address_frozen boolean     NOT NULL DEFAULT false,
        updated_block  bigint      NOT NULL,
        PRIMARY KEY (chain_id, asset, wallet)
      )`);
    await q.query(
      `CREATE INDEX ix_holder_by_balance ON ix_holder (chain_id, asset, balance, wallet)`,
    );
    await q.query(`
      CREATE TABLE ix_identity (
        chain_id      integer NOT NULL,
        registry      text    NOT NULL,
        wallet        text    NOT NULL,
        identity      text    NOT NULL,
        country       integer,
        updated_block bigint  NOT NULL,
        PRIMARY KEY (chain_id, registry, wallet)
      )`);
    await q.query(`CREATE INDEX ix_identity_by_wallet ON ix_identity (wallet)`);
    await q.query(`
      CREATE TABLE ix_claim (
        chain_id      integer NOT NULL,
        identity      text    NOT NULL,
        claim_id      text    NOT NULL,
        topic         numeric(78) NOT NULL,
        scheme        numeric(78) NOT NULL,
        issuer        text    NOT NULL,
        data          text    NOT NULL,
        uri           text    NOT NULL,
        updated_block bigint  NOT NULL,
        PRIMARY KEY (chain_id, identity, claim_id)
      )`);
    await q.query(`
      CREATE TABLE ix_role (
        chain_id      integer NOT NULL,
        contract      text    NOT NULL,
        role          text    NOT NULL,
        account       text    NOT NULL,
        granted_block bigint  NOT NULL,
        PRIMARY KEY (chain_id, contract, role, account)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'ix_role',
      'ix_claim',
      'ix_identity',
      'ix_holder',
      'ix_compliance_module',
      'ix_asset',
      'ix_log',
      'ix_undo',
      'ix_block',
      'ix_checkpoint',
    ])
      await q.query(`DROP TABLE ${t}`);
  }
}
