import type { EntityManager } from 'typeorm';

/** `cancelled`: the operation ended (cancelled on request, failed, dead-lettered) while it was pending. */
export type ApprovalState = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';
export type Decision = 'approve' | 'reject';

export interface ApprovalRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly wallet: string;
  readonly requestId: string;
  readonly operationId: string;
  readonly chainId: number;
  readonly unsignedTransaction: string;
  readonly signingHash: string;
  readonly summary: Record<string, unknown>;
  readonly reasons: readonly { rule: string; reason: string }[];
  readonly approvers: readonly string[];
  readonly required: number;
  readonly status: ApprovalState;
  readonly deadline: Date;
  readonly createdAt: Date;
  readonly settledAt: Date | null;
}

export interface DecisionRecord {
  readonly approver: string;
  readonly decision: Decision;
  readonly comment: string | null;
  readonly decidedAt: Date;
}

export interface AuditEntry {
  readonly id: string;
  readonly event: string;
  readonly actor: string;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
}

interface ApprovalRow {
  id: string;
  organization_id: string;
  wallet: string;
  request_id: string;
  operation_id: string;
  chain_id: number;
  unsigned_transaction: string;
  signing_hash: string;
  summary: Record<string, unknown>;
  reasons: { rule: string; reason: string }[];
  approvers: string[];
  required: number;
  status: ApprovalState;
  deadline: Date;
  created_at: Date;
  settled_at: Date | null;
}

const toRecord = (r: ApprovalRow): ApprovalRecord => ({
  id: r.id,
  organizationId: r.organization_id,
  wallet: r.wallet,
  requestId: r.request_id,
  operationId: r.operation_id,
  chainId: r.chain_id,
  unsignedTransaction: r.unsigned_transaction,
  signingHash: r.signing_hash,
  summary: r.summary,
  reasons: r.reasons,
  approvers: r.approvers,
  required: r.required,
  status: r.status,
  deadline: r.deadline,
  createdAt: r.created_at,
  settledAt: r.settled_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Approvals held by the custodian policy, their decisions and the append-only audit trail. */
export class ApprovalRepository {
  async insert(
    manager: EntityManager,
    a: Omit<ApprovalRecord, 'status' | 'createdAt' | 'settledAt' | 'deadline'> & {
      timeoutSeconds: number;
    },
  ): Promise<ApprovalRecord> {
    const rows = await manager.query<ApprovalRow[]>(
      `INSERT INTO kg_approval (id, organization_id, wallet, request_id, operation_id, chain_id, unsigned_transaction,
         signing_hash, summary, reasons, approvers, required, deadline)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12, clock_timestamp() + make_interval(secs => $13))
       RETURNING *`,
      [
        a.id,
        a.organizationId,
        a.wallet,
        a.requestId,
        a.operationId,
        a.chainId,
        a.unsignedTransaction,
        a.signingHash,
        JSON.stringify(a.summary),
        JSON.stringify(a.reasons),
        a.approvers,
        a.required,
        a.timeoutSeconds,
      ],
    );
    return toRecord(rows[0]!);
  }

  /** Locks the approval for a decision or settlement; null when the id is unknown. */
  async lock(manager: EntityManager, id: string): Promise<ApprovalRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT * FROM kg_approval WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async find(manager: EntityManager, id: string): Promise<ApprovalRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = await manager.query<ApprovalRow[]>(`SELECT * FROM kg_approval WHERE id = $1`, [
      id,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Approvals of an organization that name this approver, newest first. */
  async listFor(
    manager: EntityManager,
    organizationId: string,
    approver: string,
    status: ApprovalState | null,
    limit: number,
  ): Promise<ApprovalRecord[]> {
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT * FROM kg_approval WHERE organization_id = $1 AND $2 = ANY(approvers)
         AND ($3::text IS NULL OR status = $3) ORDER BY created_at DESC LIMIT $4`,
      [organizationId, approver, status, limit],
    );
    return rows.map(toRecord);
  }

  /** Pending approvals of an operation, locked (against a concurrent decision or expiry). */
  async lockPendingOf(
    manager: EntityManager,
    organizationId: string,
    operationId: string,
  ): Promise<ApprovalRecord[]> {
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT * FROM kg_approval WHERE organization_id = $1 AND operation_id = $2 AND status = 'pending'
       ORDER BY created_at FOR UPDATE`,
      [organizationId, operationId],
    );
    return rows.map(toRecord);
  }

  /** Pending approvals past their deadline, locked; other instances skip them. */
  async lockExpired(manager: EntityManager, limit: number): Promise<ApprovalRecord[]> {
    const rows = await manager.query<ApprovalRow[]>(
      `SELECT * FROM kg_approval WHERE status = 'pending' AND deadline <= clock_timestamp()
       ORDER BY deadline LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toRecord);
  }

  async settle(manager: EntityManager, id: string, status: ApprovalState): Promise<void> {
    await manager.query(
      `UPDATE kg_approval SET status = $2, settled_at = clock_timestamp() WHERE id = $1`,
      [id, status],
    );
  }

  /** Records a decision; false when this approver already decided (the first decision stands). */
  async addDecision(
    manager: EntityManager,
    approvalId: string,
    approver: string,
    decision: Decision,
    comment: string | null,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `INSERT INTO kg_approval_decision (approval_id, approver, decision, comment)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING approver`,
      [approvalId, approver, decision, comment],
    );
    return rows.length > 0;
  }

  async decisions(
    manager: EntityManager,
    approvalIds: readonly string[],
  ): Promise<Map<string, DecisionRecord[]>> {
    const out = new Map<string, DecisionRecord[]>();
    if (approvalIds.length === 0) return out;
    const rows = await manager.query<
      {
        approval_id: string;
        approver: string;
        decision: Decision;
        comment: string | null;
        decided_at: Date;
      }[]
    >(
      `SELECT * FROM kg_approval_decision WHERE approval_id = ANY($1::uuid[]) ORDER BY decided_at, approver`,
      [approvalIds],
    );
    for (const r of rows) {
      const list = out.get(r.approval_id) ?? [];
      list.push({
        approver: r.approver,
        decision: r.decision,
        comment: r.comment,
        decidedAt: r.decided_at,
      });
      out.set(r.approval_id, list);
    }
    return out;
  }

  async audit(
    manager: EntityManager,
    approval: Pick<ApprovalRecord, 'id' | 'organizationId'>,
    event: string,
    actor: string,
    detail: Record<string, unknown>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO kg_approval_audit (approval_id, organization_id, event, actor, detail) VALUES ($1, $2, $3, $4, $5)`,
      [approval.id, approval.organizationId, event, actor, JSON.stringify(detail)],
    );
  }

  async auditTrail(manager: EntityManager, approvalId: string): Promise<AuditEntry[]> {
    const rows = await manager.query<
      { id: string; event: string; actor: string; detail: Record<string, unknown>; at: Date }[]
    >(
      // Ordered by the bigserial, not by its text form (ORDER BY id would sort the output column: '10' < '9').
      `SELECT a.id::text AS id, a.event, a.actor, a.detail, a.at FROM kg_approval_audit a WHERE a.approval_id = $1 ORDER BY a.id`,
      [approvalId],
    );
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      actor: r.actor,
      detail: r.detail,
      at: r.at,
    }));
  }
}
