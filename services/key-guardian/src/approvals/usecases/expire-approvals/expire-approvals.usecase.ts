import { inTransaction } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import type { ApprovalRepository } from '../../approval.repository';
import type { ApprovalSettlement } from '../settle-approval';

/**
 * Refuses every pending approval past its deadline (APPROVAL_TIMEOUT). The
 * rows are claimed with FOR UPDATE SKIP LOCKED, so several instances poll
 * safely; the deadline lives in Postgres, so a restart loses none.
 */
export class ExpireApprovalsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly approvals: ApprovalRepository,
    private readonly settlement: ApprovalSettlement,
  ) {}

  async execute(batch = 50): Promise<number> {
    return inTransaction(this.dataSource, {}, async (tx) => {
      const due = await this.approvals.lockExpired(tx.manager, batch);
      for (const a of due) {
        await this.settlement.refuse(
          tx,
          a,
          'expired',
          'APPROVAL_TIMEOUT',
          `approvers did not reach ${a.required} approvals before ${a.deadline.toISOString()}`,
          'key-guardian',
        );
      }
      return due.length;
    });
  }
}
