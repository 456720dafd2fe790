import { Problem, problems } from '@keel/operations';
import { inTransaction } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import type { ApprovalRepository, Decision } from '../../approval.repository';
import { approvalView } from '../read-approvals/approval-view';
import type { ApprovalSettlement } from '../settle-approval';

export interface DecideApprovalCommand {
  readonly organizationId: string;
  readonly approvalId: string;
  /** The deciding principal (`user:<id>` / `apikey:<id>`), authenticated by request controls. */
  readonly subjectId: string;
  readonly decision: Decision;
  readonly comment: string | null;
}

export interface DecideApprovalResult {
  /** False when this approver had already decided: the first decision stands. */
  readonly recorded: boolean;
  readonly decision: {
    approver: string;
    decision: Decision;
    comment: string | null;
    decidedAt: string;
  };
  readonly approval: Record<string, unknown>;
}

/**
 * One approver's decision, under the approval's row lock: the same approver
 * twice counts once; the M-th distinct approval signs the held bytes; a
 * rejection refuses them. Deciding past the deadline expires the approval.
 */
export class DecideApprovalUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly settlement: ApprovalSettlement,
  ) {}

  async execute(cmd: DecideApprovalCommand): Promise<DecideApprovalResult> {
    return inTransaction(this.dataSource, { organizationId: cmd.organizationId }, async (tx) => {
      const a = await this.approvals.lock(tx.manager, cmd.approvalId);
      if (!a || a.organizationId !== cmd.organizationId || !a.approvers.includes(cmd.subjectId))
        throw problems.notFound('Approval', cmd.approvalId);
      const before = (await this.approvals.decisions(tx.manager, [a.id])).get(a.id) ?? [];
      const existing = before.find((d) => d.approver === cmd.subjectId);
      if (existing) {
        return {
          recorded: false,
          decision: {
            approver: existing.approver,
            decision: existing.decision,
            comment: existing.comment,
            decidedAt: existing.decidedAt.toISOString(),
          },
          approval: approvalView(a, before),
        };
      }
      if (a.status === 'pending' && a.deadline.getTime() <= Date.now()) {
        await this.settlement.refuse(
          tx,
          a,
          'expired',
          'APPROVAL_TIMEOUT',
          `approvers did not reach ${a.required} approvals before ${a.deadline.toISOString()}`,
          'key-guardian',
        );
        return { expired: true as const };
      }
      if (a.status !== 'pending') {
        throw new Problem({
          category: 'conflict',
          message: `Approval is ${a.status}`,
          why: `Approval ${a.id} was already settled (${a.status}); it takes no more decisions.`,
          fix: 'List the pending approvals and decide on those.',
          details: { code: 'APPROVAL_NOT_PENDING', approvalId: a.id, status: a.status },
        });
      }
      await this.approvals.addDecision(tx.manager, a.id, cmd.subjectId, cmd.decision, cmd.comment);
      await this.approvals.audit(tx.manager, a, 'decision', cmd.subjectId, {
        decision: cmd.decision,
        comment: cmd.comment,
        signingHash: a.signingHash,
        summary: a.summary,
      });
      const after = (await this.approvals.decisions(tx.manager, [a.id])).get(a.id) ?? [];
      const approvers = after.filter((d) => d.decision === 'approve').map((d) => d.approver);
      if (cmd.decision === 'reject') {
        await this.settlement.refuse(
          tx,
          a,
          'rejected',
          'BLOCKED_BY_POLICY',
          `approver ${cmd.subjectId} rejected the held transaction`,
          cmd.subjectId,
        );
      } else if (approvers.length >= a.required) {
        await this.settlement.approve(tx, a, approvers);
      }
      const settled = (await this.approvals.find(tx.manager, a.id))!;
      const mine = after.find((d) => d.approver === cmd.subjectId)!;
      return {
        recorded: true,
        decision: {
          approver: mine.approver,
          decision: mine.decision,
          comment: mine.comment,
          decidedAt: mine.decidedAt.toISOString(),
        },
        approval: approvalView(settled, after),
      };
    }).then((r) => {
      if ('expired' in r)
        throw new Problem({
          category: 'conflict',
          message: 'Approval expired',
          why: `Approval ${cmd.approvalId} passed its deadline before this decision; the transaction was refused.`,
          fix: 'Submit the operation again if it is still wanted.',
          details: { approvalId: cmd.approvalId, status: 'expired' },
        });
      return r;
    });
  }
}
