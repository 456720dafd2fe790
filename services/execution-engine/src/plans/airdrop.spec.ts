import { AirdropFactoryAbi, ITokenAbi, PushAirdropAbi, TimeBoundAirdropAbi } from '@keel/abi';
import { buildAirdropTree } from '@keel/airdrop-merkle';
import { parseOperation, type ParsedOperation } from '@keel/operations';
import { decodeFunctionData, getAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { type PlanContext, planOperation } from './plan';

const signer = getAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
const alice = getAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
const bob = getAddress('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
const factory = getAddress('0x5FbDB2315678afecb367f032d93F642f64180aa3');
const token = getAddress('0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512');
const airdrop = getAddress('0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0');

// Airdrop operations never read the chain or the system while planning.
const ctx: PlanContext = {
  organizationId: 'org-a',
  chainId: 31337,
  signer,
  system: null,
  hasCode: () => Promise.reject(new Error('not used')),
  read: () => Promise.reject(new Error('not used')),
  signClaim: () => Promise.reject(new Error('not used')),
};
const op = (type: string, params: unknown): ParsedOperation => {
  const r = parseOperation(type, params);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.operation;
};
const tree = buildAirdropTree([
  { index: 0n, account: alice, amount: 10n },
  { index: 1n, account: bob, amount: 20n },
]);

describe('airdrop plans', () => {
  it('creates each strategy through the factory, owned by the signer', async () => {
    const push = await planOperation(
      op('airdrop.create', {
        factory,
        asset: token,
        strategy: 'push',
        root: tree.root,
        endTime: '2000000000',
        maxBatch: 50,
      }),
      ctx,
    );
    expect(push.steps).toHaveLength(1);
    expect(push.steps[0]).toMatchObject({ from: signer, to: factory, value: '0' });
    expect(decodeFunctionData({ abi: AirdropFactoryAbi, data: push.steps[0]!.data })).toEqual({
      functionName: 'createPush',
      args: [token, tree.root, 0, 2000000000n, 50n],
    });
    const timeBound = await planOperation(
      op('airdrop.create', {
        factory,
        asset: token,
        strategy: 'time-bound',
        root: tree.root,
        tracker: 'amount',
        startTime: '1000',
        endTime: '2000',
      }),
      ctx,
    );
    expect(decodeFunctionData({ abi: AirdropFactoryAbi, data: timeBound.steps[0]!.data })).toEqual({
      functionName: 'createTimeBound',
      args: [token, tree.root, 1, 1000n, 2000n],
    });
  });

  it('funds the contract as a standard movement the simulation checks module by module', async () => {
    const plan = await planOperation(
      op('airdrop.fund', { airdrop, asset: token, amount: '30' }),
      ctx,
    );
    expect(plan.steps[0]).toMatchObject({
      to: token,
      compliance: { kind: 'movement', transfer: { from: signer, to: airdrop, amount: '30' } },
    });
    expect(decodeFunctionData({ abi: ITokenAbi, data: plan.steps[0]!.data }).args).toEqual([
      airdrop,
      30n,
    ]);
  });

  it('pushes a batch with every leaf and its proof, and claims with the recipient as sender', async () => {
    const items = tree.claims.map((c) => ({
      index: c.index.toString(),
      account: c.account,
      amount: c.amount.toString(),
      proof: [...c.proof],
    }));
    const push = await planOperation(op('airdrop.distribute', { airdrop, items }), ctx);
    const decoded = decodeFunctionData({ abi: PushAirdropAbi, data: push.steps[0]!.data });
    expect(decoded.functionName).toBe('distribute');
    expect(decoded.args?.[0]).toEqual(
      tree.claims.map((c) => ({
        index: c.index,
        account: c.account,
        amount: c.amount,
        proof: c.proof,
      })),
    );
    const first = tree.claims[0]!;
    const claim = await planOperation(
      op('airdrop.claim', {
        airdrop,
        index: '0',
        allocation: first.amount.toString(),
        amount: first.amount.toString(),
        proof: [...first.proof],
      }),
      { ...ctx, signer: first.account },
    );
    expect(claim.steps[0]!.from).toBe(first.account);
    expect(decodeFunctionData({ abi: TimeBoundAirdropAbi, data: claim.steps[0]!.data })).toEqual({
      functionName: 'claim',
      args: [0n, first.amount, first.amount, first.proof],
    });
  });

  it('refuses a batch above the most a distribute call carries', () => {
    const item = { index: '0', account: alice, amount: '1', proof: [] };
    const r = parseOperation('airdrop.distribute', {
      airdrop,
      items: Array.from({ length: 501 }, () => item),
    });
    expect(r.ok).toBe(false);
  });
});
