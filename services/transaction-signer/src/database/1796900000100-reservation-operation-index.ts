import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Unbroadcast reservations by operation: filled with no-ops when the operation is cancelled. */
export class ReservationOperationIndex1796900000100 implements MigrationInterface {
  readonly name = 'ReservationOperationIndex1796900000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX ts_reservation_unbroadcast_operation ON ts_nonce_reservation (organization_id, operation_id) WHERE kind = 'operation' AND state IN ('reserved', 'signing', 'signed')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ts_reservation_unbroadcast_operation`);
  }
}
