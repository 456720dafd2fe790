import {
  type Address,
  type Hash,
  type Hex,
  keccak256,
  parseSignature,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from 'viem';

/** What Keel asks a custody backend to sign: an EIP-1559 transaction with every field fixed. */
export interface UnsignedTransaction {
  readonly chainId: number;
  readonly nonce: number;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
}

export class MalformedTransactionError extends Error {
  override readonly name = 'MalformedTransactionError';
}

function toSerializable(tx: UnsignedTransaction): TransactionSerializableEIP1559 {
  return {
    type: 'eip1559',
    chainId: tx.chainId,
    nonce: tx.nonce,
    to: tx.to,
    data: tx.data,
    value: tx.value,
    gas: tx.gas,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
  };
}

/** EIP-2718 typed envelope of the unsigned transaction (what `key.sign.requested` carries). */
export function serializeUnsignedTransaction(tx: UnsignedTransaction): Hex {
  return serializeTransaction(toSerializable(tx));
}

/** Parses an unsigned EIP-1559 envelope; refuses other types and signed envelopes. */
export function parseUnsignedTransaction(serialized: Hex): UnsignedTransaction {
  let parsed: ReturnType<typeof parseTransaction>;
  try {
    parsed = parseTransaction(serialized);
  } catch (err) {
    throw new MalformedTransactionError(
      `not a serialized transaction: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed.type !== 'eip1559')
    throw new MalformedTransactionError(`unsupported transaction type ${parsed.type}`);
  if (parsed.r !== undefined || parsed.s !== undefined)
    throw new MalformedTransactionError('transaction is already signed');
  // RLP encodes zero as empty bytes, which viem parses as an absent field.
  const { chainId, to } = parsed;
  if (chainId === undefined || !to)
    throw new MalformedTransactionError('chainId and to are required');
  return {
    chainId,
    nonce: parsed.nonce ?? 0,
    to,
    data: parsed.data ?? '0x',
    value: parsed.value ?? 0n,
    gas: parsed.gas ?? 0n,
    maxFeePerGas: parsed.maxFeePerGas ?? 0n,
    maxPriorityFeePerGas: parsed.maxPriorityFeePerGas ?? 0n,
  };
}

/** The digest a key signs for an unsigned typed transaction. */
export function signingHashOf(unsignedSerialized: Hex): Hash {
  return keccak256(unsignedSerialized);
}

/** Combines the unsigned envelope and a 65-byte signature into the raw signed transaction. */
export function attachSignature(unsignedSerialized: Hex, signature: Hex): Hex {
  const tx = parseUnsignedTransaction(unsignedSerialized);
  let sig: ReturnType<typeof parseSignature>;
  try {
    sig = parseSignature(signature);
  } catch {
    throw new MalformedTransactionError('signature is not a 65-byte r||s||v value');
  }
  return serializeTransaction(toSerializable(tx), sig);
}

/** The transaction hash of raw signed bytes: what the node will report for exactly these bytes. */
export function transactionHashOf(rawSigned: Hex): Hash {
  return keccak256(rawSigned);
}
