import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A signing request held by the custodian policy remembers its approval id. */
export class SigningRequestApproval1795400000001 implements MigrationInterface {
  readonly name = 'SigningRequestApproval1795400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kg_signing_request ADD COLUMN approval_id text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kg_signing_request DROP COLUMN approval_id`);
  }
}
