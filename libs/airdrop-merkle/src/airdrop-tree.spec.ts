import { concat, keccak256, type Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { AirdropListError, parseAirdropCsv, parseAirdropJson } from './airdrop-list';
import { airdropLeaf, buildAirdropTree, verifyAirdropClaim } from './airdrop-tree';

/**
 * Pinned vectors. contracts/test/addons/airdrop/MerkleVectors.t.sol holds the same root
 * and proofs and claims them on-chain through TimeBoundAirdrop, so the TypeScript
 * builder and the Solidity leaf encoding cannot drift apart unnoticed.
 */
const VECTOR_CSV = `account,amount
0x1111111111111111111111111111111111111111,100000000
0x2222222222222222222222222222222222222222,250000000
0x3333333333333333333333333333333333333333,75000000
0x4444444444444444444444444444444444444444,1000000
0x5555555555555555555555555555555555555555,40000000
`;
const VECTOR_ROOT = '0x3d553f5b2a43d8e3e67e43ad3738a472fad5cf54c5c27621fdc603f5b51549f2';
const VECTOR_PROOF_2 = [
  '0x61209d032cd43268d71b5409e6a7600dacf4f5813034ac84536b74e00156b45c',
  '0xc617b137ec0550c5ca44a5a50803b9bb5d0b2f23a50094c19a730ae23bfad073',
  '0xf6f3ae6c93131019fcf27d4439173e4dd536718bb2859c51ce31cdaf02978ce9',
];

/** OpenZeppelin MerkleProof.processProof, re-implemented independently (sorted pairs). */
function processProof(leaf: Hex, proof: readonly Hex[]): Hex {
  return proof.reduce<Hex>((node, sibling) => {
    const [a, b] = BigInt(node) < BigInt(sibling) ? [node, sibling] : [sibling, node];
    return keccak256(concat([a, b]));
  }, leaf);
}

describe('buildAirdropTree', () => {
  it('reproduces the pinned root and proofs the contract tests use', () => {
    const tree = buildAirdropTree(parseAirdropCsv(VECTOR_CSV));
    expect(tree.root).toBe(VECTOR_ROOT);
    expect(tree.total).toBe(466_000_000n);
    expect(tree.claims[2]?.proof).toEqual(VECTOR_PROOF_2);
  });

  it('uses the Solidity leaf encoding keccak256(keccak256(abi.encode(index, account, amount)))', () => {
    const tree = buildAirdropTree(parseAirdropCsv(VECTOR_CSV));
    for (const claim of tree.claims) {
      expect(claim.leaf).toBe(airdropLeaf(claim.index, claim.account, claim.amount));
      expect(processProof(claim.leaf, claim.proof)).toBe(tree.root);
      expect(verifyAirdropClaim(tree.root, claim)).toBe(true);
    }
  });

  it('rejects a claim with a changed amount, index or account', () => {
    const tree = buildAirdropTree(parseAirdropCsv(VECTOR_CSV));
    const claim = tree.claims[1];
    if (claim === undefined) throw new Error('missing claim');
    expect(verifyAirdropClaim(tree.root, { ...claim, amount: claim.amount + 1n })).toBe(false);
    expect(verifyAirdropClaim(tree.root, { ...claim, index: 0n })).toBe(false);
    expect(
      verifyAirdropClaim(tree.root, {
        ...claim,
        account: '0x1111111111111111111111111111111111111111',
      }),
    ).toBe(false);
  });

  it('builds large trees whose every proof verifies', () => {
    const entries = Array.from({ length: 300 }, (_, i) => ({
      index: BigInt(i),
      account: `0x${(i + 1).toString(16).padStart(40, '0')}` as const,
      amount: BigInt(i + 1) * 10n ** 18n,
    }));
    const tree = buildAirdropTree(entries);
    for (const claim of tree.claims) expect(processProof(claim.leaf, claim.proof)).toBe(tree.root);
    expect(tree.claims.every((c) => c.proof.length <= 9)).toBe(true);
  });
});

describe('parseAirdropJson', () => {
  it('gives the same tree as the CSV', () => {
    const json = JSON.stringify(
      parseAirdropCsv(VECTOR_CSV).map((e) => ({
        account: e.account.toLowerCase(),
        amount: e.amount.toString(),
      })),
    );
    expect(buildAirdropTree(parseAirdropJson(json)).root).toBe(VECTOR_ROOT);
  });

  it('rejects non-arrays, missing fields and unsafe numbers', () => {
    expect(() => parseAirdropJson('{}')).toThrow(AirdropListError);
    expect(() => parseAirdropJson('[{"amount":"1"}]')).toThrow(/account missing/);
    expect(() =>
      parseAirdropJson('[{"account":"0x1111111111111111111111111111111111111111","amount":1.5}]'),
    ).toThrow(/not an integer/);
    expect(() => parseAirdropJson('not json')).toThrow(/not valid JSON/);
  });
});

describe('parseAirdropCsv', () => {
  it('reports the line of a bad address, amount or duplicate', () => {
    expect(() => parseAirdropCsv('account,amount\n0x12,5')).toThrow(
      /entry 2: "0x12" is not an address/,
    );
    expect(() => parseAirdropCsv('0x1111111111111111111111111111111111111111,1.5')).toThrow(
      /entry 1: amount/,
    );
    expect(() => parseAirdropCsv('0x1111111111111111111111111111111111111111,0')).toThrow(
      /out of range/,
    );
    expect(() =>
      parseAirdropCsv(
        '0x1111111111111111111111111111111111111111,1\n0x1111111111111111111111111111111111111111,2',
      ),
    ).toThrow(/already appears at entry 1/);
    expect(() => parseAirdropCsv('a,b,c')).toThrow(/expected 2 columns/);
    expect(() => parseAirdropCsv('\n\n')).toThrow(/empty/);
  });

  it('checksums addresses and skips blank lines', () => {
    const [entry] = parseAirdropCsv('\n0xabcdefabcdefabcdefabcdefabcdefabcdefabcd,7\n');
    expect(entry?.account).toBe('0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD');
    expect(entry?.index).toBe(0n);
  });
});
