import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-step operations: an operation's plan is its ordered transactions
 * (each with a label and its compliance check), the step under way, the
 * result shown once it completes, and what completing it records. The
 * system layer deployed per (organization, chain).
 */
export class OperationPlans1796300000001 implements MigrationInterface {
  name = 'OperationPlans1796300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE operations
        ADD COLUMN step_count integer NOT NULL DEFAULT 1,
        ADD COLUMN current_step integer NOT NULL DEFAULT 0,
        ADD COLUMN result jsonb,
        ADD COLUMN completion jsonb`);
    await q.query(`
      ALTER TABLE operation_transactions
        ADD COLUMN label text,
        ADD COLUMN compliance jsonb`);
    await q.query(`
      CREATE TABLE system_deployments (
        organization_id text NOT NULL,
        chain_id integer NOT NULL,
        status text NOT NULL CHECK (status IN ('deploying', 'deployed')),
        operation_id text NOT NULL,
        addresses jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, chain_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE system_deployments');
    await q.query('ALTER TABLE operation_transactions DROP COLUMN label, DROP COLUMN compliance');
    await q.query(
      'ALTER TABLE operations DROP COLUMN step_count, DROP COLUMN current_step, DROP COLUMN result, DROP COLUMN completion',
    );
  }
}
