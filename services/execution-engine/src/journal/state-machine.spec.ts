import { operationStatuses } from '@keel/events';
import { describe, expect, it } from 'vitest';
import { canTransition, failureOfSigningError, isTerminal } from './state-machine';

describe('operation lifecycle', () => {
  it('follows RECEIVED → QUEUED → PREPARING → SIGNING → BROADCASTING → CONFIRMING → COMPLETED', () => {
    const path = [
      'RECEIVED',
      'QUEUED',
      'PREPARING',
      'SIGNING',
      'BROADCASTING',
      'CONFIRMING',
      'COMPLETED',
    ] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
    expect(canTransition('SIGNING', 'PENDING_APPROVAL')).toBe(true);
    expect(canTransition('PENDING_APPROVAL', 'SIGNING')).toBe(true);
  });

  it('never skips the compliance step or leaves a terminal state', () => {
    expect(canTransition('QUEUED', 'SIGNING')).toBe(false);
    expect(canTransition('RECEIVED', 'BROADCASTING')).toBe(false);
    for (const terminal of ['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'] as const) {
      expect(isTerminal(terminal)).toBe(true);
      for (const to of operationStatuses) expect(canTransition(terminal, to)).toBe(false);
    }
  });

  it('cancels only before anything is signed, and dead-letters from any live state', () => {
    expect(canTransition('PENDING_APPROVAL', 'CANCELLED')).toBe(true);
    for (const from of ['SIGNING', 'BROADCASTING', 'CONFIRMING'] as const)
      expect(canTransition(from, 'CANCELLED')).toBe(false);
    for (const from of operationStatuses)
      expect(canTransition(from, 'DEAD_LETTER')).toBe(!isTerminal(from));
  });

  it('maps signing error codes to FAILED sub-statuses', () => {
    expect(failureOfSigningError('NONCE_CONFLICT')).toBe('NONCE_CONFLICT');
    expect(failureOfSigningError('BLOCKED_BY_POLICY')).toBe('BLOCKED_BY_POLICY');
    expect(failureOfSigningError('HSM_TIMEOUT')).toBe('SIGNING_FAILED');
  });
});
