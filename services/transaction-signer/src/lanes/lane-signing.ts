import { randomUUID } from 'node:crypto';
import { type Eip1559Fees, serializeUnsignedTransaction } from '@keel/chain';
import type { EventMetadata, PayloadInput } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Address, Hex } from 'viem';

export interface SigningPlan {
  readonly operationId: string;
  readonly signer: Address;
  readonly chainId: number;
  readonly nonce: number;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
  readonly fees: Eip1559Fees;
}

/**
 * Serializes the unsigned transaction of a reservation and asks key-guardian
 * to sign it (through the outbox of the caller's transaction). The request id
 * is new for every payload: key-guardian signs a request id at most once.
 */
export async function requestSignature(
  outbox: TransactionOutbox,
  plan: SigningPlan,
  meta: Partial<EventMetadata> = {},
): Promise<{ requestId: string; unsignedTx: Hex }> {
  const unsignedTx = serializeUnsignedTransaction({
    chainId: plan.chainId,
    nonce: plan.nonce,
    to: plan.to,
    data: plan.data,
    value: plan.value,
    gas: plan.gas,
    maxFeePerGas: plan.fees.maxFeePerGas,
    maxPriorityFeePerGas: plan.fees.maxPriorityFeePerGas,
  });
  const requestId = randomUUID();
  await outbox.publish(
    'keel.key.sign.requested.v1',
    {
      requestId,
      operationId: plan.operationId,
      signer: plan.signer,
      chainId: plan.chainId,
      unsignedTransaction: unsignedTx,
    },
    meta,
  );
  return { requestId, unsignedTx };
}

/** Operation id under which a no-op fill of a lane nonce is signed and logged. */
export function noopOperationId(chainId: number, signer: Address, nonce: number): string {
  return `noop-${chainId}-${signer.toLowerCase()}-${nonce}`;
}

/** A 0-value self-transfer: consumes a nonce and does nothing else. */
export const NOOP_GAS = 21_000n;

/** The `signature.result` that fails a reservation's step (nothing of it will be mined). */
export function failedResult(
  r: { operationId: string; transactionIndex: number; reservationKey: string | null },
  error: { code: string; message: string; details?: Record<string, unknown> },
): PayloadInput<'keel.signature.result.v1'> {
  return {
    outcome: 'failed',
    operationId: r.operationId,
    transactionIndex: r.transactionIndex,
    ...(r.reservationKey ? { nonceReservationId: r.reservationKey } : {}),
    error: { ...error, retryable: false },
  };
}
