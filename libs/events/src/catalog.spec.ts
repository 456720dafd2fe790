import { describe, expect, it } from 'vitest';
import { createEvent, EventValidationError, parsePayload } from './index';

const from = '0x1111111111111111111111111111111111111111';
const to = '0x2222222222222222222222222222222222222222';
const hash = `0x${'ab'.repeat(32)}`;
const meta = { organizationId: 'org-1', correlationId: 'op-1' };

describe('signing-topic contract', () => {
  it('carries the full prepared request on signature.requested', () => {
    const event = createEvent(
      'keel.signature.requested.v1',
      {
        operationId: 'op-1',
        transactionIndex: 0,
        call: { chainId: 31337, from, to, data: '0xa9059cbb', value: '0' },
        gasLimit: '60000',
        organizationId: 'org-1',
        nonceReservationId: 'op-1:0',
        fees: { maxFeePerGas: '2000000000', maxPriorityFeePerGas: '1000000000' },
      },
      meta,
    );
    expect(event.type).toBe('signature.requested');
    expect(event.payload.nonceReservationId).toBe('op-1:0');
  });

  it('accepts each signature.result outcome and refuses an unknown one', () => {
    const base = { operationId: 'op-1', transactionIndex: 0 };
    expect(
      parsePayload('keel.signature.result.v1', {
        ...base,
        outcome: 'signed',
        chainId: 31337,
        signer: from,
        nonce: '7',
        rawTransaction: '0x02f8',
        hash,
        nonceReservationId: 'op-1:0',
      }).outcome,
    ).toBe('signed');
    expect(
      parsePayload('keel.signature.result.v1', {
        ...base,
        outcome: 'failed',
        error: { code: 'NONCE_CONFLICT', message: 'nonce too low', retryable: false },
      }).outcome,
    ).toBe('failed');
    expect(
      parsePayload('keel.signature.result.v1', {
        ...base,
        outcome: 'pending-approval',
        approvalId: 'a-1',
      }).outcome,
    ).toBe('pending-approval');
    expect(() => parsePayload('keel.signature.result.v1', { ...base, outcome: 'maybe' })).toThrow(
      EventValidationError,
    );
  });

  it('carries the denying module and reason on compliance.result', () => {
    const result = parsePayload('keel.compliance.result.v1', {
      operationId: 'op-1',
      transactionIndex: 0,
      allowed: false,
      modules: [
        { module: 'identity', passed: true },
        {
          module: 'CountryRestrictionModule',
          passed: false,
          reason: 'country 250 not allowed',
          errorName: 'CountryNotAllowed',
        },
      ],
      deniedBy: { module: 'CountryRestrictionModule', reason: 'country 250 not allowed' },
    });
    expect(result.deniedBy?.module).toBe('CountryRestrictionModule');
  });
});
