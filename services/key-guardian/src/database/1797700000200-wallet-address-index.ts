import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wallets are found by address without regard to case (`lower(address) = lower($2)`, on
 * every signature), which the (organization_id, address) unique index cannot serve: the
 * lookup read every wallet of the organization. An index on the lowered address serves it.
 */
export class WalletAddressIndex1797700000200 implements MigrationInterface {
  readonly name = 'WalletAddressIndex1797700000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX kg_wallet_organization_address_lower ON kg_wallet (organization_id, lower(address))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX kg_wallet_organization_address_lower`);
  }
}
