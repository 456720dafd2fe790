import type { ChainRpcError, RevertInfo } from '@keel/chain';
import type { PayloadInput } from '@keel/events';
import type { TransactionReceipt } from 'viem';
import type { TrackedTransaction } from './tracked-transaction.repository';

export type ReceiptPayload = PayloadInput<'keel.receipt.v1'>;

function base(t: TrackedTransaction) {
  return {
    operationId: t.operationId,
    transactionIndex: t.transactionIndex,
    chainId: t.chainId,
    hash: t.hash,
    from: t.from,
    nonce: String(t.nonce),
  };
}

export function minedReceipt(
  t: TrackedTransaction,
  r: TransactionReceipt,
  confirmations: number,
  revert?: RevertInfo,
): ReceiptPayload {
  return {
    ...base(t),
    status: r.status === 'success' ? 'success' : 'reverted',
    blockNumber: r.blockNumber.toString(),
    blockHash: r.blockHash,
    confirmations,
    gasUsed: r.gasUsed.toString(),
    effectiveGasPrice: r.effectiveGasPrice.toString(),
    ...(revert
      ? {
          revert: {
            ...(revert.selector ? { selector: revert.selector } : {}),
            reason: revert.reason,
          },
        }
      : {}),
  };
}

/** The transaction left the canonical chain: the engine returns the operation to CONFIRMING; the gateway re-broadcasts. */
export function reorgedReceipt(t: TrackedTransaction): ReceiptPayload {
  return {
    ...base(t),
    status: 'reorged',
    ...(t.blockNumber !== null ? { blockNumber: t.blockNumber.toString() } : {}),
    ...(t.blockHash ? { blockHash: t.blockHash } : {}),
    confirmations: 0,
  };
}

export function droppedReceipt(
  t: TrackedTransaction,
  code: string,
  message: string,
  retryable = false,
): ReceiptPayload {
  return { ...base(t), status: 'dropped', confirmations: 0, error: { code, message, retryable } };
}

/** Broadcast refusals, in the failure codes the engine knows. */
export function refusalCode(err: ChainRpcError): { code: string; retryable: boolean } {
  switch (err.kind) {
    case 'nonce-too-low':
      return { code: 'NONCE_CONFLICT', retryable: false };
    case 'nonce-too-high':
      return { code: 'NONCE_CONFLICT', retryable: true };
    case 'insufficient-funds':
      return { code: 'INSUFFICIENT_BALANCE', retryable: false };
    case 'underpriced':
    case 'replacement-underpriced':
      return { code: 'UNDERPRICED', retryable: true };
    case 'reverted':
      return { code: 'REVERTED', retryable: false };
    case 'already-known':
    case 'transport':
    case 'unknown':
      return { code: 'BROADCAST_FAILED', retryable: false };
  }
}
