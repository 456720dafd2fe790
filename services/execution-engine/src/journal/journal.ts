import { Injectable } from '@nestjs/common';
import { type CallerKind, isCallerKind, type OperationStatus } from '@keel/events';
import type { InboxContext } from '@keel/persistence';
import {
  type OperationError,
  type OperationRecord,
  OperationRepository,
} from './operation.repository';
import { canTransition, IllegalTransitionError } from './state-machine';

/**
 * The `submittedVia` of an operation's status events: the kind of its submitter, which
 * consumers select on (request-controls forwards only the statuses of ingress operations).
 */
export function submittedVia(submittedBy: { readonly kind: string } | null): {
  submittedVia?: CallerKind;
} {
  return submittedBy && isCallerKind(submittedBy.kind) ? { submittedVia: submittedBy.kind } : {};
}

/** What a transition needs from the handler: its transaction and its outbox. */
export type Tx = Pick<InboxContext, 'manager' | 'outbox'>;

/**
 * Moves an operation through the lifecycle: checks the transition, stores the
 * state and its history row, and writes `operation.status` to the outbox, all
 * in the caller's transaction.
 */
@Injectable()
export class Journal {
  constructor(private readonly operations: OperationRepository) {}

  async transition(
    tx: Tx,
    op: OperationRecord,
    to: OperationStatus,
    extras: { subStatus?: string; error?: OperationError } = {},
  ): Promise<OperationRecord> {
    if (!canTransition(op.status, to)) throw new IllegalTransitionError(op.id, op.status, to);
    const next: OperationRecord = {
      ...op,
      status: to,
      subStatus: extras.subStatus ?? null,
      error: extras.error ?? op.error,
      sequence: op.sequence + 1,
    };
    await this.operations.saveState(tx.manager, next);
    await tx.outbox.publish(
      'keel.operation.status.v1',
      {
        operationId: op.id,
        status: to,
        previousStatus: op.status,
        ...(next.subStatus ? { subStatus: next.subStatus } : {}),
        ...(extras.error ? { error: extras.error } : {}),
        sequence: next.sequence,
        at: new Date().toISOString(),
        ...submittedVia(op.submittedBy),
      },
      { organizationId: op.organizationId, correlationId: op.id },
    );
    return next;
  }

  /** Ends the operation as FAILED with a sub-status and a typed error. */
  fail(
    tx: Tx,
    op: OperationRecord,
    subStatus: string,
    error: OperationError,
  ): Promise<OperationRecord> {
    return this.transition(tx, op, 'FAILED', { subStatus, error });
  }
}
