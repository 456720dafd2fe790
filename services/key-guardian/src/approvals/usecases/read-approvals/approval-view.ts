import type { ApprovalRecord, AuditEntry, DecisionRecord } from '../../approval.repository';

/** What an approver sees: the decoded operation, who decided, the deadline; never key material. */
export function approvalView(
  a: ApprovalRecord,
  decisions: readonly DecisionRecord[],
  auditTrail?: readonly AuditEntry[],
): Record<string, unknown> {
  const s = a.summary;
  return {
    id: a.id,
    status: a.status,
    operationId: a.operationId,
    wallet: a.wallet,
    chainId: a.chainId,
    function: s['function'] ?? null,
    asset: s['asset'] ?? null,
    amount: s['amount'] ?? null,
    destination: s['destination'] ?? null,
    summary: s,
    reasons: a.reasons,
    signingHash: a.signingHash,
    approvers: a.approvers,
    required: a.required,
    approvals: decisions.filter((d) => d.decision === 'approve').length,
    decisions: decisions.map((d) => ({
      approver: d.approver,
      decision: d.decision,
      comment: d.comment,
      decidedAt: d.decidedAt.toISOString(),
    })),
    deadline: a.deadline.toISOString(),
    createdAt: a.createdAt.toISOString(),
    settledAt: a.settledAt?.toISOString() ?? null,
    ...(auditTrail
      ? {
          auditTrail: auditTrail.map((e) => ({
            id: e.id,
            event: e.event,
            actor: e.actor,
            at: e.at.toISOString(),
            detail: e.detail,
          })),
        }
      : {}),
  };
}
