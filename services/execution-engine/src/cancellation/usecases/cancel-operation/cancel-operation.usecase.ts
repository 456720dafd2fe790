import { Inject, Injectable } from '@nestjs/common';
import type { OperationStatus } from '@keel/events';
import { type OperationView, Problem, problems } from '@keel/operations';
import { inTransaction } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { Journal } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { DATA_SOURCE } from '../../../tokens';

/**
 * States an operation can still be cancelled in: nothing has been signed for it
 * yet. In PENDING_APPROVAL the held bytes exist only inside key-guardian and
 * nothing was sent to the chain.
 */
export const cancellableStatuses: readonly OperationStatus[] = [
  'RECEIVED',
  'QUEUED',
  'PREPARING',
  'PENDING_APPROVAL',
];

export interface CancelOperationCommand {
  readonly organizationId: string;
  readonly operationId: string;
  /** Who asked (`apikey:<id>` or `user:<id>`), kept in the status history. */
  readonly requestedBy: string;
}

/**
 * Cancels an operation before anything is signed, so CANCELLED leaves nothing
 * behind on chain. Before SIGNING no nonce is reserved yet; in PENDING_APPROVAL
 * the signature is held by key-guardian. The CANCELLED `operation.status`
 * (written to the outbox with the state) is the cancellation event: key-guardian
 * closes the pending approval (audit entry, spend released, the held request
 * refused) and the transaction signer fills the operation's unbroadcast nonce
 * with a no-op, so its lane keeps no gap. Results that arrive later (a
 * compliance result, a signature) find a terminal operation and are ignored.
 * In SIGNING, BROADCASTING or CONFIRMING the transaction may already be on its
 * way to the chain, and cancellation is refused with 409
 * OPERATION_NOT_CANCELLABLE. Cancelling a cancelled operation again answers its
 * view (idempotent).
 */
@Injectable()
export class CancelOperationUseCase {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
  ) {}

  async execute(cmd: CancelOperationCommand): Promise<OperationView> {
    await inTransaction(
      this.dataSource,
      { organizationId: cmd.organizationId, correlationId: cmd.operationId },
      async (tx) => {
        const op = await this.operations.lock(tx.manager, cmd.operationId);
        if (!op || op.organizationId !== cmd.organizationId)
          throw problems.notFound('Operation', cmd.operationId);
        if (op.status === 'CANCELLED') return;
        // An operation of several transactions back in PREPARING has already put one on chain.
        const view = await this.operations.view(op.organizationId, op.id);
        const onChain = view?.transactions.some((t) => t.hash) ?? false;
        if (!cancellableStatuses.includes(op.status) || onChain)
          throw notCancellable(op.id, op.status, onChain);
        await this.journal.transition(tx, op, 'CANCELLED', {
          subStatus: 'CANCELLED_BY_REQUEST',
          error: {
            code: 'CANCELLED',
            message:
              op.status === 'PENDING_APPROVAL'
                ? 'The operation was cancelled on request while it waited for custodian approval; nothing was signed.'
                : 'The operation was cancelled on request before anything was signed.',
            details: { requestedBy: cmd.requestedBy, previousStatus: op.status },
          },
        });
      },
    );
    const view = await this.operations.view(cmd.organizationId, cmd.operationId);
    if (!view) throw problems.notFound('Operation', cmd.operationId);
    return view;
  }
}

function notCancellable(id: string, status: OperationStatus, onChain: boolean): Problem {
  return new Problem({
    category: 'conflict',
    message: 'Operation can no longer be cancelled',
    why: onChain
      ? `Operation ${id} already has a transaction on chain.`
      : `Operation ${id} is ${status}: ${whyTooLate(status)} Only an operation that is ${cancellableStatuses.join(', ')} (nothing signed yet) can be cancelled.`,
    fix: 'Wait for the operation to end; to undo its effect, submit a compensating operation.',
    details: { code: 'OPERATION_NOT_CANCELLABLE', status, cancellableStatuses },
  });
}

const tooLate: Partial<Record<OperationStatus, string>> = {
  SIGNING: 'its transaction is being signed and may reach the chain at any moment.',
  BROADCASTING: 'its signed transaction is being sent to the chain.',
  CONFIRMING: 'its transaction is on chain, waiting for confirmations.',
};

function whyTooLate(status: OperationStatus): string {
  return tooLate[status] ?? 'it has already ended.';
}
