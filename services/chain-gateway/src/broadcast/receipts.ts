import type { RevertInfo, RpcErrorKind } from '@keel/chain';
import type { BroadcastRefusalCode, DroppedCode, PayloadInput } from '@keel/events';
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

/** These bytes can never be mined. */
export function droppedReceipt(
  t: TrackedTransaction,
  code: DroppedCode,
  message: string,
): ReceiptPayload {
  return {
    ...base(t),
    status: 'dropped',
    confirmations: 0,
    error: { code, message, retryable: false },
  };
}

export function refusedReceipt(
  t: TrackedTransaction,
  code: BroadcastRefusalCode,
  message: string,
): ReceiptPayload {
  return {
    ...base(t),
    status: 'refused',
    confirmations: 0,
    error: { code, message, retryable: true },
  };
}

/**
 * What a broadcast error means for the bytes (the table in services/chain-gateway/README.md,
 * "Broadcast errors"): `refused` — the node did not take them now, but they may still be mined,
 * so they stay tracked and are sent again; `dropped` — they can never be mined. A class a node
 * reports ambiguously is `refused`. `nonce-too-low` is `dropped` only after the caller checked
 * that the node does not know these bytes (ChainRepository.send): then another transaction
 * was mined with the nonce.
 */
export type BroadcastVerdict =
  | { readonly fate: 'refused'; readonly code: BroadcastRefusalCode }
  | { readonly fate: 'dropped'; readonly code: DroppedCode };

export function broadcastVerdict(kind: RpcErrorKind): BroadcastVerdict {
  switch (kind) {
    case 'nonce-too-low':
      return { fate: 'dropped', code: 'NONCE_CONSUMED' };
    case 'intrinsic-gas':
    case 'invalid':
      return { fate: 'dropped', code: 'INVALID_TRANSACTION' };
    case 'insufficient-funds':
      return { fate: 'refused', code: 'INSUFFICIENT_GAS_FUNDS' };
    case 'nonce-too-high':
      return { fate: 'refused', code: 'NONCE_GAP' };
    case 'underpriced':
      return { fate: 'refused', code: 'UNDERPRICED' };
    case 'fee-cap-too-low':
      return { fate: 'refused', code: 'FEE_CAP_TOO_LOW' };
    case 'replacement-underpriced':
      return { fate: 'refused', code: 'REPLACEMENT_UNDERPRICED' };
    case 'transport':
      return { fate: 'refused', code: 'RPC_UNAVAILABLE' };
    // A node that simulates at send and reports a revert, or says something unknown: the
    // bytes may be in some pool; if mined, the receipt tells (a revert is REVERTED then).
    case 'reverted':
    case 'already-known':
    case 'unknown':
      return { fate: 'refused', code: 'BROADCAST_REFUSED' };
  }
}
