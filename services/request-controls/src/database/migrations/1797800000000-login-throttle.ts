import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed password logins per (organization, lower-cased email), known user or not, so
 * that guessing passwords is limited the same way for every address and the limit does
 * not tell which users exist.
 */
export class LoginThrottle1797800000000 implements MigrationInterface {
  name = 'LoginThrottle1797800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE login_throttle (
        organization_id text        NOT NULL,
        email_key       text        NOT NULL,
        failures        integer     NOT NULL DEFAULT 0,
        locked_until    timestamptz,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, email_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
  }
}
