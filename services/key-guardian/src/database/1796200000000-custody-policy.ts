import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custodian policy for local keys: one policy per wallet, rolling spend
 * reservations (serialized by a lock row per wallet and asset), approvals
 * with their decisions and a durable deadline, and an append-only audit trail.
 */
export class CustodyPolicy1796200000000 implements MigrationInterface {
  readonly name = 'CustodyPolicy1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE kg_wallet_policy (
        organization_id text        NOT NULL,
        wallet          text        NOT NULL,
        policy          jsonb       NOT NULL,
        updated_by      text        NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, wallet)
      )`);
    await q.query(`
      CREATE TABLE kg_spend_lock (
        organization_id text NOT NULL,
        wallet          text NOT NULL,
        asset           text NOT NULL,
        PRIMARY KEY (organization_id, wallet, asset)
      )`);
    await q.query(`
      CREATE TABLE kg_spend_reservation (
        id              bigserial   PRIMARY KEY,
        organization_id text        NOT NULL,
        wallet          text        NOT NULL,
        asset           text        NOT NULL,
        amount          numeric(78,0) NOT NULL,
        request_id      text        NOT NULL,
        reserved_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        released_at     timestamptz
      )`);
    await q.query(
      `CREATE INDEX kg_spend_reservation_window ON kg_spend_reservation (organization_id, wallet, asset, reserved_at) WHERE released_at IS NULL`,
    );
    await q.query(`CREATE INDEX kg_spend_reservation_request ON kg_spend_reservation (request_id)`);
    await q.query(`
      CREATE TABLE kg_approval (
        id                   uuid        PRIMARY KEY,
        organization_id      text        NOT NULL,
        wallet               text        NOT NULL,
        request_id           text        NOT NULL UNIQUE,
        operation_id         text        NOT NULL,
        chain_id             integer     NOT NULL,
        unsigned_transaction text        NOT NULL,
        signing_hash         text        NOT NULL,
        summary              jsonb       NOT NULL,
        reasons              jsonb       NOT NULL,
        approvers            text[]      NOT NULL,
        required             integer     NOT NULL,
        status               text        NOT NULL DEFAULT 'pending',
        deadline             timestamptz NOT NULL,
        created_at           timestamptz NOT NULL DEFAULT now(),
        settled_at           timestamptz
      )`);
    await q.query(
      `CREATE INDEX kg_approval_pending_deadline ON kg_approval (deadline) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX kg_approval_org ON kg_approval (organization_id, created_at)`);
    await q.query(`
      CREATE TABLE kg_approval_decision (
        approval_id uuid        NOT NULL REFERENCES kg_approval (id),
        approver    text        NOT NULL,
        decision    text        NOT NULL,
        comment     text,
        decided_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (approval_id, approver)
      )`);
    await q.query(`
      CREATE TABLE kg_approval_audit (
        id              bigserial   PRIMARY KEY,
        approval_id     uuid        NOT NULL,
        organization_id text        NOT NULL,
        event           text        NOT NULL,
        actor           text        NOT NULL,
        detail          jsonb       NOT NULL,
        at              timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX kg_approval_audit_approval ON kg_approval_audit (approval_id, id)`);
    await q.query(`
      CREATE FUNCTION kg_approval_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'kg_approval_audit is append-only: % refused', TG_OP;
      END $$`);
    await q.query(`
      CREATE TRIGGER kg_approval_audit_no_change BEFORE UPDATE OR DELETE ON kg_approval_audit
      FOR EACH ROW EXECUTE FUNCTION kg_approval_audit_append_only()`);
    await q.query(`
      CREATE TRIGGER kg_approval_audit_no_truncate BEFORE TRUNCATE ON kg_approval_audit
      FOR EACH STATEMENT EXECUTE FUNCTION kg_approval_audit_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE kg_approval_audit`);
    await q.query(`DROP FUNCTION kg_approval_audit_append_only()`);
    await q.query(`DROP TABLE kg_approval_decision`);
    await q.query(`DROP TABLE kg_approval`);
    await q.query(`DROP TABLE kg_spend_reservation`);
    await q.query(`DROP TABLE kg_spend_lock`);
    await q.query(`DROP TABLE kg_wallet_policy`);
  }
}
