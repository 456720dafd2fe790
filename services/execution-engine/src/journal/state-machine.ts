import type { OperationFailureReason, OperationStatus } from '@keel/events';

/**
 * The operation lifecycle. FAILED, DEAD_LETTER, CANCELLED and COMPLETED are
 * terminal; any live state may end DEAD_LETTER (a pipeline consumer gave up on
 * one of its events); PENDING_APPROVAL may be CANCELLED (nothing signed
 * yet); BROADCASTING → CONFIRMING may repeat after a reorg. An operation of
 * several transactions goes CONFIRMING → PREPARING for its next step; one with
 * nothing left to send (a bootstrap already done) goes PREPARING → COMPLETED.
 *
 * Once a transaction of an operation was sent (BROADCASTING, CONFIRMING), the
 * operation ends only when the chain decides it (mined: COMPLETED, or FAILED
 * REVERTED) or the signer reports that no signed bytes of the step can be
 * mined any more; a refusal, a dropped hash or a dead letter leaves it waiting
 * (see ApplyReceiptUseCase and MarkDeadLetteredUseCase).
 */
const transitions: Record<OperationStatus, readonly OperationStatus[]> = {
  RECEIVED: ['QUEUED', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  QUEUED: ['PREPARING', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  // PREPARING → PREPARING: the step waits for its signer wallet's gas top-up (AWAITING_GAS_TOP_UP).
  PREPARING: ['SIGNING', 'PREPARING', 'COMPLETED', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  SIGNING: ['PENDING_APPROVAL', 'BROADCASTING', 'FAILED', 'DEAD_LETTER'],
  PENDING_APPROVAL: ['SIGNING', 'BROADCASTING', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  // BROADCASTING → BROADCASTING: the same wait with news (a node refused the bytes for now,
  // their nonce went elsewhere and a replacement is coming, a delivery was dead-lettered).
  BROADCASTING: ['CONFIRMING', 'BROADCASTING', 'FAILED', 'DEAD_LETTER'],
  CONFIRMING: ['COMPLETED', 'PREPARING', 'BROADCASTING', 'FAILED', 'CONFIRMING', 'DEAD_LETTER'],
  COMPLETED: [],
  FAILED: [],
  DEAD_LETTER: [],
  CANCELLED: [],
};

export function canTransition(from: OperationStatus, to: OperationStatus): boolean {
  return transitions[from].includes(to);
}

export function isTerminal(status: OperationStatus): boolean {
  return transitions[status].length === 0;
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly operationId: string,
    readonly from: OperationStatus,
    readonly to: OperationStatus,
  ) {
    super(`operation ${operationId}: ${from} → ${to} is not a transition of the lifecycle`);
  }
}

/** The FAILED sub-status for a signing error code from the transaction signer. */
export function failureOfSigningError(code: string): OperationFailureReason {
  switch (code) {
    case 'NONCE_CONFLICT':
    case 'INSUFFICIENT_BALANCE':
    case 'INSUFFICIENT_GAS_FUNDS':
    case 'BLOCKED_BY_POLICY':
    case 'APPROVAL_TIMEOUT':
    case 'PAYLOAD_MISMATCH':
      return code;
    default:
      return 'SIGNING_FAILED';
  }
}
