import { rpcErrorKinds } from '@keel/chain';
import { describe, expect, it } from 'vitest';
import { broadcastVerdict, droppedReceipt, refusedReceipt, reorgedReceipt } from './receipts';
import type { TrackedTransaction } from './tracked-transaction.repository';

const t: TrackedTransaction = {
  chainId: 31337,
  hash: `0x${'ab'.repeat(32)}`,
  organizationId: 'org',
  operationId: 'op',
  transactionIndex: 0,
  from: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  nonce: 4,
  rawTx: '0x02',
  confirmationsRequired: 1,
  state: 'included',
  blockNumber: 12n,
  blockHash: `0x${'cd'.repeat(32)}`,
  status: 'success',
  lastError: null,
};

describe('receipts', () => {
  it('gives every broadcast error class a fate: only bytes that can never be mined are dropped', () => {
    const fates = Object.fromEntries(rpcErrorKinds.map((k) => [k, broadcastVerdict(k)]));
    expect(fates).toEqual({
      'nonce-too-low': { fate: 'dropped', code: 'NONCE_CONSUMED' },
      'nonce-too-high': { fate: 'refused', code: 'NONCE_GAP' },
      underpriced: { fate: 'refused', code: 'UNDERPRICED' },
      'fee-cap-too-low': { fate: 'refused', code: 'FEE_CAP_TOO_LOW' },
      'intrinsic-gas': { fate: 'dropped', code: 'INVALID_TRANSACTION' },
      invalid: { fate: 'dropped', code: 'INVALID_TRANSACTION' },
      'replacement-underpriced': { fate: 'refused', code: 'REPLACEMENT_UNDERPRICED' },
      'already-known': { fate: 'refused', code: 'BROADCAST_REFUSED' },
      reverted: { fate: 'refused', code: 'BROADCAST_REFUSED' },
      'insufficient-funds': { fate: 'refused', code: 'INSUFFICIENT_GAS_FUNDS' },
      transport: { fate: 'refused', code: 'RPC_UNAVAILABLE' },
      unknown: { fate: 'refused', code: 'BROADCAST_REFUSED' },
    });
    expect(refusedReceipt(t, 'INSUFFICIENT_GAS_FUNDS', 'no gas')).toMatchObject({
      status: 'refused',
      confirmations: 0,
      error: { code: 'INSUFFICIENT_GAS_FUNDS', retryable: true },
    });
  });

  it('a reorged receipt names the block the transaction left; a dropped one carries the typed error', () => {
    expect(reorgedReceipt(t)).toMatchObject({
      status: 'reorged',
      blockNumber: '12',
      blockHash: t.blockHash,
      confirmations: 0,
      nonce: '4',
    });
    expect(droppedReceipt(t, 'NONCE_CONSUMED', 'nonce used')).toMatchObject({
      status: 'dropped',
      error: { code: 'NONCE_CONSUMED', retryable: false },
    });
  });
});
