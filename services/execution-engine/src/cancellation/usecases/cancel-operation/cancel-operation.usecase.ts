import { Inject, Injectable } from '@nestjs/common';
import type { OperationStatus } from '@keel/events';
import { type OperationView, Problem, problems } from '@keel/operations';
import { inTransaction } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { Journal } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { DATA_SOURCE } from '../../../tokens';

/** States an operation can still be cancelled in: nothing has been signed for it yet. */
export const cancellableStatuses: readonly OperationStatus[] = ['RECEIVED', 'QUEUED', 'PREPARING'];

export interface CancelOperationCommand {
  readonly organizationId: string;
  readonly operationId: string;
  /** Who asked (`apikey:<id>` or `user:<id>`), kept in the status history. */
  readonly requestedBy: string;
}

/**
 * Cancels an operation before SIGNING: no nonce is reserved and no signature
 * exists yet, so CANCELLED leaves nothing behind on chain. Results that arrive
 * later (a compliance result, an acceptance) find a terminal operation and are
 * ignored. From SIGNING on, the operation may already be on its way to the
 * chain, and cancellation is refused with 409 OPERATION_NOT_CANCELLABLE.
 * Cancelling a cancelled operation again answers its view (idempotent).
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
            message: 'The operation was cancelled on request before anything was signed.',
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
      : `Operation ${id} is ${status}; only an operation that is ${cancellableStatuses.join(', ')} (nothing signed yet) can be cancelled.`,
    fix: 'Wait for the operation to end; to undo its effect, submit a compensating operation.',
    details: { code: 'OPERATION_NOT_CANCELLABLE', status, cancellableStatuses },
  });
}
