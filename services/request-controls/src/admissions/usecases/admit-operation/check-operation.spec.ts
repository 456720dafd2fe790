import { Problem, type Principal } from '@keel/operations';
import { describe, expect, it } from 'vitest';
import { checkOperation } from './admit-operation.usecase';

const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const to = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const custodian: Principal = {
  kind: 'api-key',
  organizationId: 'o',
  subjectId: 'apikey:k',
  apiKeyId: 'k',
  scope: 'read-write',
  roles: ['custodian'],
  assets: [],
};

function problemOf(fn: () => unknown): Problem {
  try {
    fn();
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error('expected a problem');
}

describe('checkOperation', () => {
  it('lets a custodian request a forced transfer and nothing outside its role', () => {
    expect(
      checkOperation(custodian, 'token.forcedTransfer', { asset, from: to, to: asset, amount: '1' })
        .type,
    ).toBe('token.forcedTransfer');
    expect(
      problemOf(() => checkOperation(custodian, 'token.mint', { asset, to, amount: '1' })).status,
    ).toBe(403);
    expect(
      problemOf(() => checkOperation(custodian, 'token.freeze', { asset, account: to })).status,
    ).toBe(422);
    expect(problemOf(() => checkOperation(custodian, 'nope', {})).status).toBe(422);
  });
});
