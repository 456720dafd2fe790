import { ITokenAbi } from '@keel/abi';
import type { UnsignedTransaction } from '@keel/chain';
import { decodeFunctionData, encodeAbiParameters, type Hex, keccak256 } from 'viem';

/** One movement of value a transaction causes: `amount` of `asset` to `to` (null for a burn). */
export interface Movement {
  readonly asset: string;
  readonly to: string | null;
  readonly amount: bigint;
}

/** What the policy knows about a transaction, decoded with the typed token ABI. */
export interface DecodedCall {
  /** Token function name, `native` for a plain value transfer, `none` for a nonce fill, or `unknown`. */
  readonly function: string;
  readonly target: string | null;
  readonly movements: readonly Movement[];
}

const lower = (a: string) => a.toLowerCase();

export function decodeCall(tx: Pick<UnsignedTransaction, 'to' | 'data' | 'value'>): DecodedCall {
  const target = tx.to ? lower(tx.to) : null;
  const data: Hex = tx.data;
  const value = tx.value;
  if (data === '0x') {
    if (value === 0n) return { function: 'none', target, movements: [] };
    return {
      function: 'native',
      target,
      movements: [{ asset: 'native', to: target, amount: value }],
    };
  }
  if (!target) return { function: 'unknown', target, movements: [] };
  let decoded: ReturnType<typeof decodeFunctionData<typeof ITokenAbi>>;
  try {
    decoded = decodeFunctionData({ abi: ITokenAbi, data });
  } catch {
    return { function: 'unknown', target, movements: [] };
  }
  const move = (to: string | null, amount: bigint): Movement => ({
    asset: target,
    to: to === null ? null : lower(to),
    amount,
  });
  const movements: Movement[] = [];
  // Only the functions that move tokens have movements; admin calls (pause, freeze, ...) move nothing.
  const d = decoded;
  if (d.functionName === 'transfer' || d.functionName === 'mint')
    movements.push(move(d.args[0], d.args[1]));
  else if (d.functionName === 'transferFrom' || d.functionName === 'forcedTransfer')
    movements.push(move(d.args[1], d.args[2]));
  else if (d.functionName === 'burn') movements.push(move(null, d.args[1]));
  else if (d.functionName === 'batchTransfer' || d.functionName === 'batchMint')
    d.args[0].forEach((to, i) => movements.push(move(to, d.args[1][i] ?? 0n)));
  else if (d.functionName === 'batchForcedTransfer')
    d.args[1].forEach((to, i) => movements.push(move(to, d.args[2][i] ?? 0n)));
  else if (d.functionName === 'batchBurn')
    d.args[1].forEach((amount) => movements.push(move(null, amount)));
  if (value > 0n) movements.push({ asset: 'native', to: target, amount: value });
  return { function: decoded.functionName, target, movements };
}

/** Total moved per asset. */
export function totalsByAsset(movements: readonly Movement[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const m of movements) totals.set(m.asset, (totals.get(m.asset) ?? 0n) + m.amount);
  return totals;
}

/** What a transaction calls, fees aside: a re-priced replacement has the same digest. */
export function callDigestOf(
  tx: Pick<UnsignedTransaction, 'chainId' | 'nonce' | 'to' | 'data' | 'value'>,
): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: 'uint256' },
        { type: 'uint256' },
        { type: 'address' },
        { type: 'bytes' },
        { type: 'uint256' },
      ],
      [BigInt(tx.chainId), BigInt(tx.nonce), tx.to, tx.data, tx.value],
    ),
  );
}
