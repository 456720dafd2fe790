import type { OperationFailureReason, OperationStatus } from '@keel/events';

/**
 * The operation lifecycle. FAILED, DEAD_LETTER, CANCELLED and COMPLETED are
 * terminal; any live state may end DEAD_LETTER (a pipeline consumer gave up on
 * one of its events); PENDING_APPROVAL may be CANCELLED (nothing signed
 * yet); BROADCASTING → CONFIRMING may repeat after a reorg. An operation of
 * several transactions goes CONFIRMING → PREPARING for its next step; one with
 * nothing left to send (a bootstrap already done) goes PREPARING → COMPLETED.
 */
const transitions: Record<OperationStatus, readonly OperationStatus[]> = {
  RECEIVED: ['QUEUED', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  QUEUED: ['PREPARING', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  PREPARING: ['SIGNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  SIGNING: ['PENDING_APPROVAL', 'BROADCASTING', 'FAILED', 'DEAD_LETTER'],
  PENDING_APPROVAL: ['SIGNING', 'BROADCASTING', 'FAILED', 'CANCELLED', 'DEAD_LETTER'],
  BROADCASTING: ['CONFIRMING', 'FAILED', 'DEAD_LETTER'],
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
    case 'BLOCKED_BY_POLICY':
    case 'APPROVAL_TIMEOUT':
    case 'PAYLOAD_MISMATCH':
      return code;
    default:
      return 'SIGNING_FAILED';
  }
}
