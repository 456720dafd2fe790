import { problems } from '@keel/operations';
import type { DataSource } from 'typeorm';
import type { ApprovalRepository, ApprovalState } from '../../approval.repository';
import { approvalView } from './approval-view';

/**
 * Approvals as one approver sees them: only those of its organization that
 * name it; any other answers like a missing one.
 */
export class ReadApprovalsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
  ) {}

  async list(
    organizationId: string,
    subjectId: string,
    status: ApprovalState | null,
    limit: number,
  ): Promise<{ items: Record<string, unknown>[] }> {
    const m = this.dataSource.manager;
    const rows = await this.approvals.listFor(m, organizationId, subjectId, status, limit);
    const decisions = await this.approvals.decisions(
      m,
      rows.map((r) => r.id),
    );
    return { items: rows.map((r) => approvalView(r, decisions.get(r.id) ?? [])) };
  }

  async get(
    organizationId: string,
    subjectId: string,
    id: string,
  ): Promise<Record<string, unknown>> {
    const m = this.dataSource.manager;
    const a = await this.approvals.find(m, id);
    if (!a || a.organizationId !== organizationId || !a.approvers.includes(subjectId))
      throw problems.notFound('Approval', id);
    const decisions = await this.approvals.decisions(m, [a.id]);
    return approvalView(a, decisions.get(a.id) ?? [], await this.approvals.auditTrail(m, a.id));
  }
}
