import { AirdropFactoryAbi, ITokenAbi, PushAirdropAbi, TimeBoundAirdropAbi } from '@keel/abi';
import type { ParsedOperation } from '@keel/operations';
import { type Address, encodeFunctionData, getAddress, type Hex } from 'viem';
import type { Plan, PlanContext, PlannedStep } from './plan';

/** The airdrop operations (issue 19), planned here apart from the other families. */
export type AirdropOperation = Extract<ParsedOperation, { type: `airdrop.${string}` }>;

const a = (v: string): Address => getAddress(v);
const TRACKER = { bitmap: 0, amount: 1 } as const;

/** One call of the signer; what the simulation checks besides the exact call is `compliance`. */
function single(
  ctx: PlanContext,
  label: string,
  to: Address,
  data: Hex,
  compliance: PlannedStep['compliance'] = { kind: 'admin' },
): Plan {
  return { steps: [{ label, from: ctx.signer, to, data, value: '0', compliance }] };
}

export function planAirdropOperation(operation: AirdropOperation, ctx: PlanContext): Plan {
  switch (operation.type) {
    case 'airdrop.create': {
      const p = operation.params;
      const token = a(p.asset);
      const root = p.root as Hex;
      const end = BigInt(p.endTime);
      const data =
        p.strategy === 'push'
          ? encodeFunctionData({
              abi: AirdropFactoryAbi,
              functionName: 'createPush',
              args: [token, root, TRACKER[p.tracker], end, BigInt(p.maxBatch ?? 100)],
            })
          : p.strategy === 'time-bound'
            ? encodeFunctionData({
                abi: AirdropFactoryAbi,
                functionName: 'createTimeBound',
                args: [token, root, TRACKER[p.tracker], BigInt(p.startTime ?? '0'), end],
              })
            : encodeFunctionData({
                abi: AirdropFactoryAbi,
                functionName: 'createVesting',
                args: [token, root, end, BigInt(p.cliff ?? '0'), BigInt(p.duration ?? '1')],
              });
      return single(ctx, `create ${p.strategy} airdrop`, a(p.factory), data);
    }
    case 'airdrop.fund': {
      const p = operation.params;
      // A standard movement into the airdrop contract: its identity and the asset's modules
      // are checked like any transfer's.
      return single(
        ctx,
        'fund airdrop',
        a(p.asset),
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'transfer',
          args: [a(p.airdrop), BigInt(p.amount)],
        }),
        {
          kind: 'movement',
          transfer: { from: ctx.signer, to: a(p.airdrop), amount: p.amount },
          asset: a(p.asset),
        },
      );
    }
    case 'airdrop.distribute':
      return single(
        ctx,
        `distribute to ${operation.params.items.length} recipients`,
        a(operation.params.airdrop),
        encodeFunctionData({
          abi: PushAirdropAbi,
          functionName: 'distribute',
          args: [
            operation.params.items.map((i) => ({
              index: BigInt(i.index),
              account: a(i.account),
              amount: BigInt(i.amount),
              proof: i.proof as Hex[],
            })),
          ],
        }),
      );
    case 'airdrop.claim': {
      const p = operation.params;
      return single(
        ctx,
        'claim airdrop',
        a(p.airdrop),
        encodeFunctionData({
          abi: TimeBoundAirdropAbi,
          functionName: 'claim',
          args: [BigInt(p.index), BigInt(p.allocation), BigInt(p.amount), p.proof as Hex[]],
        }),
      );
    }
    case 'airdrop.withdraw':
      return single(
        ctx,
        'withdraw unclaimed',
        a(operation.params.airdrop),
        encodeFunctionData({
          abi: PushAirdropAbi,
          functionName: 'withdrawUnclaimed',
          args: [a(operation.params.to)],
        }),
      );
  }
}
