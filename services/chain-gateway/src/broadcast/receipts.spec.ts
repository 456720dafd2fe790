import { ChainRpcError } from '@keel/chain';
import { describe, expect, it } from 'vitest';
import { droppedReceipt, refusalCode, reorgedReceipt } from './receipts';
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
};

describe('receipts', () => {
  it('maps broadcast refusals to the failure codes the engine knows', () => {
    expect(refusalCode(new ChainRpcError('nonce-too-low', 'x', 1))).toEqual({
      code: 'NONCE_CONFLICT',
      retryable: false,
    });
    expect(refusalCode(new ChainRpcError('insufficient-funds', 'x', 1)).code).toBe(
      'INSUFFICIENT_BALANCE',
    );
    expect(refusalCode(new ChainRpcError('replacement-underpriced', 'x', 1))).toEqual({
      code: 'UNDERPRICED',
      retryable: true,
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
    expect(droppedReceipt(t, 'NONCE_CONFLICT', 'nonce used')).toMatchObject({
      status: 'dropped',
      error: { code: 'NONCE_CONFLICT', retryable: false },
    });
  });
});
