import type { OperationStatus } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { EntityManager } from 'typeorm';
import type { ApprovalRepository } from '../../approval.repository';
import type { ApprovalSettlement } from '../settle-approval';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * The operation ended without its signature (cancelled on request, failed,
 * dead-lettered) while an approval of it was pending: the approval is closed
 * as `cancelled` under its row lock, so approvers can no longer decide it
 * (409). The settlement records it in the audit trail, releases the reserved
 * spend and refuses the held request, so the transaction signer fills the
 * reserved nonce with a no-op. Runs in the caller's (inbox) transaction; a
 * second delivery finds nothing pending.
 */
export class CloseApprovalsUseCase {
  constructor(
    private readonly approvals: ApprovalRepository,
    private readonly settlement: ApprovalSettlement,
  ) {}

  async execute(
    tx: Tx,
    organizationId: string,
    operationId: string,
    status: OperationStatus,
  ): Promise<number> {
    const pending = await this.approvals.lockPendingOf(tx.manager, organizationId, operationId);
    for (const a of pending) {
      await this.settlement.refuse(
        tx,
        a,
        'cancelled',
        status === 'CANCELLED' ? 'CANCELLED' : 'OPERATION_ENDED',
        `operation ${operationId} ended ${status} while approval was pending`,
        'execution-engine',
      );
    }
    return pending.length;
  }
}
