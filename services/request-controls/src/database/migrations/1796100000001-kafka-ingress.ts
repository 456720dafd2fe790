import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Kafka ingress: each API key's sealed ingress signing key (null for keys
 * issued before ingress existed), the message ids seen per key (replay
 * protection, kept longer than the replay window), which operation answers
 * which producer correlation id, and the dead letters already answered.
 */
export class KafkaIngress1796100000001 implements MigrationInterface {
  name = 'KafkaIngress1796100000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN ingress_key_sealed text`);
    await q.query(`
      CREATE TABLE ingress_messages (
        api_key_id text NOT NULL,
        message_id text NOT NULL,
        correlation_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (api_key_id, message_id)
      )`);
    await q.query(`CREATE INDEX ingress_messages_received_at ON ingress_messages (received_at)`);
    await q.query(`
      CREATE TABLE ingress_operations (
        operation_id text PRIMARY KEY,
        organization_id text NOT NULL,
        api_key_id text NOT NULL,
        correlation_id text NOT NULL,
        message_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE ingress_dead_letter_answers (
        dlq_partition integer NOT NULL,
        dlq_offset bigint NOT NULL,
        answered_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dlq_partition, dlq_offset)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ingress_dead_letter_answers');
    await q.query('DROP TABLE ingress_operations');
    await q.query('DROP TABLE ingress_messages');
    await q.query('ALTER TABLE api_keys DROP COLUMN ingress_key_sealed');
  }
}
