import {
  type Address,
  getAddress,
  type Hash,
  type Hex,
  isAddressEqual,
  parseTransaction,
} from 'viem';
import { recoverTransactionSigner } from './secp256k1';
import { transactionHashOf } from './transaction';

/** The request a signed payload must match (what the operation prepared and the nonce lane reserved). */
export interface PreparedRequest {
  readonly chainId: number;
  /** The wallet that owns the nonce reservation. */
  readonly from: Address;
  readonly nonce: number | bigint;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
}

export const integrityFields = ['nonce', 'to', 'calldata', 'chainId', 'value', 'signer'] as const;
export type IntegrityField = (typeof integrityFields)[number] | 'encoding';

export interface FieldMismatch {
  readonly field: IntegrityField;
  readonly expected: string;
  readonly actual: string;
}

export type IntegrityResult =
  | { readonly ok: true; readonly hash: Hash; readonly signer: Address; readonly nonce: number }
  | { readonly ok: false; readonly mismatches: readonly FieldMismatch[] };

/** Thrown where a mismatch must stop the flow; names the first mismatching field. */
export class PayloadIntegrityError extends Error {
  override readonly name = 'PayloadIntegrityError';
  readonly field: IntegrityField;
  constructor(readonly mismatches: readonly FieldMismatch[]) {
    super(
      `signed payload does not match the prepared request: ${mismatches.map((m) => m.field).join(', ')}`,
    );
    this.field = mismatches[0]?.field ?? 'encoding';
  }
}

// Calldata can be long; an error names the field and shows a digest, not the whole payload.
function short(data: Hex): string {
  return data.length <= 74 ? data : `${data.slice(0, 74)}… (${(data.length - 2) / 2} bytes)`;
}

/**
 * Parses signed raw bytes and checks them against the prepared request:
 * nonce, destination, calldata, chain id, value, and the signer recovered
 * from the signature. On success returns the hash derived from the validated
 * bytes (keccak256 of the raw transaction), which is what the node reports
 * for them, so a replay derives the same hash without asking the node.
 */
export async function verifySignedTransaction(
  raw: Hex,
  expected: PreparedRequest,
): Promise<IntegrityResult> {
  let parsed: ReturnType<typeof parseTransaction>;
  try {
    parsed = parseTransaction(raw);
  } catch (err) {
    return {
      ok: false,
      mismatches: [
        {
          field: 'encoding',
          expected: 'a signed EIP-2718 transaction',
          actual: (err as Error).message.split('\n')[0] ?? 'unparsable',
        },
      ],
    };
  }
  if (parsed.r === undefined || parsed.s === undefined) {
    return {
      ok: false,
      mismatches: [{ field: 'encoding', expected: 'a signed transaction', actual: 'unsigned' }],
    };
  }
  const mismatches: FieldMismatch[] = [];
  const nonce = parsed.nonce ?? 0;
  if (BigInt(nonce) !== BigInt(expected.nonce)) {
    mismatches.push({ field: 'nonce', expected: String(expected.nonce), actual: String(nonce) });
  }
  if (!parsed.to || !isAddressEqual(parsed.to, expected.to)) {
    mismatches.push({
      field: 'to',
      expected: getAddress(expected.to),
      actual: parsed.to ? getAddress(parsed.to) : 'contract creation',
    });
  }
  const data = (parsed.data ?? '0x').toLowerCase() as Hex;
  if (data !== expected.data.toLowerCase()) {
    mismatches.push({ field: 'calldata', expected: short(expected.data), actual: short(data) });
  }
  if (parsed.chainId !== expected.chainId) {
    mismatches.push({
      field: 'chainId',
      expected: String(expected.chainId),
      actual: String(parsed.chainId ?? 'none (pre-EIP-155)'),
    });
  }
  const value = parsed.value ?? 0n;
  if (value !== expected.value) {
    mismatches.push({
      field: 'value',
      expected: expected.value.toString(),
      actual: value.toString(),
    });
  }
  let signer: Address | undefined;
  try {
    signer = recoverTransactionSigner(raw) ?? undefined;
  } catch {
    signer = undefined;
  }
  if (!signer || !isAddressEqual(signer, expected.from)) {
    mismatches.push({
      field: 'signer',
      expected: getAddress(expected.from),
      actual: signer ?? 'unrecoverable',
    });
  }
  if (mismatches.length > 0 || !signer) return { ok: false, mismatches };
  return { ok: true, hash: transactionHashOf(raw), signer, nonce };
}

/** Like verifySignedTransaction, but throws PayloadIntegrityError on a mismatch. */
export async function assertSignedTransaction(
  raw: Hex,
  expected: PreparedRequest,
): Promise<{ hash: Hash; signer: Address }> {
  const r = await verifySignedTransaction(raw, expected);
  if (!r.ok) throw new PayloadIntegrityError(r.mismatches);
  return { hash: r.hash, signer: r.signer };
}
