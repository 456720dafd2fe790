import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox and the inbox. Rows of the outbox are relayed in
 * `id` order per `partition_key`; the partial indexes keep the relay's scans
 * proportional to the backlog, not to history.
 */
export class CreateOutboxAndInbox1795300000000 implements MigrationInterface {
  readonly name = 'CreateOutboxAndInbox1795300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE keel_outbox (
        id            bigserial   PRIMARY KEY,
        event_id      uuid        NOT NULL UNIQUE,
        topic         text        NOT NULL,
        partition_key text        NOT NULL,
        event         jsonb       NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        sent_at       timestamptz,
        attempts      integer     NOT NULL DEFAULT 0,
        last_error    text
      )`);
    await q.query(
      `CREATE INDEX keel_outbox_unsent_by_key ON keel_outbox (partition_key, id) WHERE sent_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX keel_outbox_sent_at ON keel_outbox (sent_at) WHERE sent_at IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE keel_inbox (
        consumer_group text        NOT NULL,
        event_id       uuid        NOT NULL,
        topic          text        NOT NULL,
        partition_no   integer,
        offset_no      text,
        processed_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
    await q.query(`CREATE INDEX keel_inbox_processed_at ON keel_inbox (processed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE keel_inbox`);
    await q.query(`DROP TABLE keel_outbox`);
  }
}
