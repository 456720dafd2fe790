import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A receipt finds its reservation by transaction hash, current or replaced. The lookup compared
 * `lower(...)` of both columns, which no index serves: every receipt scanned the whole
 * reservation table (≈ 1 ms at a few thousand rows, growing with every transaction ever sent).
 * Hashes are now stored lowercase (as keccak256 prints them; this migration folds any older
 * row), so the lookup is `tx_hash = $2 OR replaced_hashes @> ARRAY[$2]`: the existing
 * (chain_id, tx_hash) index for the first, this GIN index for the second.
 */
export class ReservationHashLookup1797700000100 implements MigrationInterface {
  readonly name = 'ReservationHashLookup1797700000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE ts_nonce_reservation
          SET tx_hash = lower(tx_hash),
              replaced_hashes = ARRAY(SELECT lower(h) FROM unnest(replaced_hashes) AS h)
        WHERE tx_hash <> lower(tx_hash)
           OR EXISTS (SELECT 1 FROM unnest(replaced_hashes) AS h WHERE h <> lower(h))`,
    );
    await q.query(
      `CREATE INDEX ts_reservation_replaced_hashes ON ts_nonce_reservation USING gin (replaced_hashes)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ts_reservation_replaced_hashes`);
  }
}
