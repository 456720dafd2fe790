import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A signer wallet whose key a custody provider holds (issue 18): no sealed key,
 * the provider's wallet id, and how to reach the provider — its URL, the
 * credential id and references (env:/file:) to the secrets, never their values.
 */
export class CustodyProviderWallet1798000000000 implements MigrationInterface {
  readonly name = 'CustodyProviderWallet1798000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const column of [
      'master_key_id',
      'wrapped_data_key',
      'wrap_iv',
      'wrap_tag',
      'ciphertext',
      'iv',
      'tag',
    ])
      await q.query(`ALTER TABLE kg_wallet ALTER COLUMN ${column} DROP NOT NULL`);
    await q.query(`ALTER TABLE kg_wallet ADD COLUMN provider_wallet_id text`);
    await q.query(`ALTER TABLE kg_wallet ADD COLUMN provider_connection jsonb`);
    await q.query(`
      ALTER TABLE kg_wallet ADD CONSTRAINT kg_wallet_key_or_provider CHECK (
        (provider = 'local' AND ciphertext IS NOT NULL AND provider_wallet_id IS NULL)
        OR (provider <> 'local' AND ciphertext IS NULL AND provider_wallet_id IS NOT NULL
            AND provider_connection IS NOT NULL)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM kg_wallet WHERE provider <> 'local'`);
    await q.query(`ALTER TABLE kg_wallet DROP CONSTRAINT kg_wallet_key_or_provider`);
    await q.query(`ALTER TABLE kg_wallet DROP COLUMN provider_connection`);
    await q.query(`ALTER TABLE kg_wallet DROP COLUMN provider_wallet_id`);
  }
}
