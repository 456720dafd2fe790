import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The digest of what a signing request calls (chain, nonce, to, data, value;
 * not the fees), so a re-priced replacement of a payload already signed is
 * recognised and neither held again nor counted twice against a rolling limit.
 */
export class SigningRequestCallDigest1796200000001 implements MigrationInterface {
  readonly name = 'SigningRequestCallDigest1796200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE kg_signing_request ADD COLUMN call_digest text`);
    await q.query(
      `CREATE INDEX kg_signing_request_signed_call ON kg_signing_request (organization_id, lower(signer), call_digest) WHERE outcome = 'signed'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX kg_signing_request_signed_call`);
    await q.query(`ALTER TABLE kg_signing_request DROP COLUMN call_digest`);
  }
}
