import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Gas (issue 24): per organization its gas wallet and automatic top-up settings; each
 * top-up submitted for one step of an operation (at most one per step: a replay finds it),
 * counted against the day's limits; and the skipped ones, as the operation's warning.
 */
export class GasSettings1797400000000 implements MigrationInterface {
  name = 'GasSettings1797400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE gas_settings (
        organization_id text PRIMARY KEY,
        source_wallet text,
        auto_top_up boolean NOT NULL DEFAULT false,
        min_balance numeric(78, 0) NOT NULL DEFAULT 0,
        top_up_amount numeric(78, 0) NOT NULL DEFAULT 0,
        daily_amount_limit numeric(78, 0),
        daily_count_limit integer,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE gas_top_ups (
        operation_id text NOT NULL,
        transaction_index integer NOT NULL,
        organization_id text NOT NULL,
        wallet text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('submitted', 'completed', 'failed', 'skipped')),
        fund_operation_id text,
        amount numeric(78, 0),
        reason text,
        day date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (operation_id, transaction_index)
      )`);
    await q.query('CREATE INDEX gas_top_ups_day ON gas_top_ups (organization_id, day)');
    await q.query(
      'CREATE UNIQUE INDEX gas_top_ups_fund ON gas_top_ups (fund_operation_id) WHERE fund_operation_id IS NOT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE gas_top_ups');
    await q.query('DROP TABLE gas_settings');
  }
}
