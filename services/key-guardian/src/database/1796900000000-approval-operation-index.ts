import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Pending approvals by operation: closed when the operation ends without its signature. */
export class ApprovalOperationIndex1796900000000 implements MigrationInterface {
  readonly name = 'ApprovalOperationIndex1796900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX kg_approval_pending_operation ON kg_approval (organization_id, operation_id) WHERE status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX kg_approval_pending_operation`);
  }
}
