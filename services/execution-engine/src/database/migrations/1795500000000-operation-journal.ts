import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OperationJournal1795500000000 implements MigrationInterface {
  name = 'OperationJournal1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operations (
        id text PRIMARY KEY,
        organization_id text NOT NULL,
        type text NOT NULL,
        params jsonb NOT NULL,
        signer text,
        submitted_by jsonb,
        status text NOT NULL,
        sub_status text,
        error jsonb,
        sequence integer NOT NULL,
        compliance_attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query('CREATE INDEX operations_org_id ON operations (organization_id, id DESC)');
    await q.query(
      'CREATE INDEX operations_org_status ON operations (organization_id, status, id DESC)',
    );
    await q.query(`
      CREATE TABLE operation_history (
        operation_id text NOT NULL REFERENCES operations (id),
        sequence integer NOT NULL,
        status text NOT NULL,
        sub_status text,
        at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (operation_id, sequence)
      )`);
    await q.query(`
      CREATE TABLE operation_transactions (
        operation_id text NOT NULL REFERENCES operations (id),
        tx_index integer NOT NULL,
        chain_id integer NOT NULL,
        from_address text NOT NULL,
        to_address text NOT NULL,
        data text NOT NULL,
        value text NOT NULL,
        gas_limit text,
        nonce text,
        hash text,
        raw_transaction text,
        status text NOT NULL,
        block_number text,
        confirmations integer NOT NULL DEFAULT 0,
        gas_used text,
        PRIMARY KEY (operation_id, tx_index)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE operation_transactions');
    await q.query('DROP TABLE operation_history');
    await q.query('DROP TABLE operations');
  }
}
