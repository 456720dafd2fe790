import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who a claim's issuer is: the trusted-issuer registries' entries (which claim
 * topics each registry trusts an issuer contract for) and the identity
 * factory's claim issuers with their owner (the wallet issuer.trust named).
 */
export class IndexTrustedIssuers1795500000400 implements MigrationInterface {
  name = 'IndexTrustedIssuers1795500000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ix_trusted_issuer (
        chain_id      integer NOT NULL,
        registry      text    NOT NULL,
        issuer        text    NOT NULL,
        -- claim topics, comma-separated decimals in the registry's order
        topics        text    NOT NULL,
        updated_block bigint  NOT NULL,
        PRIMARY KEY (chain_id, registry, issuer)
      )`);
    await q.query(
      `CREATE INDEX ix_trusted_issuer_by_issuer ON ix_trusted_issuer (chain_id, issuer)`,
    );
    await q.query(`
      CREATE TABLE ix_claim_issuer (
        chain_id      integer NOT NULL,
        address       text    NOT NULL,
        owner         text    NOT NULL,
        factory       text    NOT NULL,
        created_block bigint  NOT NULL,
        PRIMARY KEY (chain_id, address)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ix_claim_issuer');
    await q.query('DROP TABLE ix_trusted_issuer');
  }
}
