import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem';
import type { AirdropEntry } from './airdrop-list';

/** Leaf types, in the order the Solidity `AirdropBase.leaf(index, account, amount)` encodes them. */
export const AIRDROP_LEAF_TYPES = ['uint256', 'address', 'uint256'] as const;

export interface AirdropClaim {
  readonly index: bigint;
  readonly account: Address;
  readonly amount: bigint;
  readonly leaf: Hex;
  readonly proof: readonly Hex[];
}

export interface AirdropTree {
  readonly root: Hex;
  readonly total: bigint;
  readonly claims: readonly AirdropClaim[];
  /** OpenZeppelin's tree dump (JSON-safe), to store and reload the tree later. */
  readonly dump: ReturnType<StandardMerkleTree<[string, string, string]>['dump']>;
}

/**
 * The leaf as the contract computes it:
 * `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`.
 */
export function airdropLeaf(index: bigint, account: Address, amount: bigint): Hex {
  const inner = keccak256(
    encodeAbiParameters(
      [{ type: 'uint256' }, { type: 'address' }, { type: 'uint256' }],
      [index, account, amount],
    ),
  );
  return keccak256(inner);
}

/** Builds the tree with OpenZeppelin's StandardMerkleTree (sorted-pair hashing, as MerkleProof verifies). */
export function buildAirdropTree(entries: readonly AirdropEntry[]): AirdropTree {
  const values: Array<[string, string, string]> = entries.map((e) => [
    e.index.toString(),
    e.account,
    e.amount.toString(),
  ]);
  const tree = StandardMerkleTree.of(values, [...AIRDROP_LEAF_TYPES]);
  const claims: AirdropClaim[] = [];
  let total = 0n;
  for (const [i, value] of tree.entries()) {
    const entry = entries[i];
    if (entry === undefined) throw new Error(`tree entry ${i} has no list entry`);
    claims.push({
      index: BigInt(value[0]),
      account: entry.account,
      amount: BigInt(value[2]),
      leaf: tree.leafHash(value) as Hex,
      proof: tree.getProof(i) as Hex[],
    });
    total += entry.amount;
  }
  return { root: tree.root as Hex, total, claims, dump: tree.dump() };
}

/** Checks a claim against a root the way the contract does. */
export function verifyAirdropClaim(
  root: Hex,
  claim: Pick<AirdropClaim, 'index' | 'account' | 'amount' | 'proof'>,
): boolean {
  return StandardMerkleTree.verify(
    root,
    [...AIRDROP_LEAF_TYPES],
    [claim.index.toString(), claim.account, claim.amount.toString()],
    [...claim.proof],
  );
}
