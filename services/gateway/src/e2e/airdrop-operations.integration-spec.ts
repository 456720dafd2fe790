import {
  AirdropFactoryAbi,
  AirdropFactoryBytecode,
  FixtureTokenAbi,
  FixtureTokenBytecode,
  PushAirdropAbi,
} from '@keel/abi';
import { buildAirdropTree } from '@keel/airdrop-merkle';
import { type Address, getAddress, type Hex, parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eStack, SPEC_POLLING, startE2eStack } from './test-support/e2e-stack';

// The airdrop operation types through the seven services over Kafka: the factory call, the
// funding movement and push batches are planned, simulated, signed and mined like any
// operation. A batch submitted a second time (a new operation with the same leaves) pays
// nobody twice: the contract skips what is already paid.

const RECIPIENTS = 40;

describe('airdrop operations over HTTP', () => {
  let stack: E2eStack;
  let token: Address;
  let factory: Address;
  let seq = 0;
  const run = async (type: string, params: Record<string, unknown>) => {
    const op = await stack.terminal(await stack.submit(type, params, `air-${type}-${seq++}`));
    expect(op.status, `${type}: ${JSON.stringify(op.error)}`).toBe('COMPLETED');
    return op;
  };
  const deploy = async (abi: readonly unknown[], bytecode: Hex, args: readonly unknown[]) => {
    const hash = await stack.adminWallet.deployContract({
      chain: stack.adminWallet.chain,
      account: stack.admin,
      abi,
      bytecode,
      args,
    });
    const receipt = await stack.client.waitForTransactionReceipt({ hash });
    return getAddress(receipt.contractAddress!);
  };
  const balanceOf = (who: Address) =>
    stack.client.readContract({
      address: token,
      abi: FixtureTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });

  beforeAll(async () => {
    stack = await startE2eStack({ prefix: 'airdrop_ops', env: SPEC_POLLING });
    factory = await deploy(AirdropFactoryAbi, AirdropFactoryBytecode, []);
    token = await deploy(FixtureTokenAbi, FixtureTokenBytecode, [
      'Air',
      'AIR',
      stack.admin.address,
    ]);
    await stack.client.waitForTransactionReceipt({
      hash: await stack.adminWallet.writeContract({
        chain: stack.adminWallet.chain,
        account: stack.admin,
        address: token,
        abi: FixtureTokenAbi,
        functionName: 'mint',
        args: [stack.signerWallet, 10n ** 24n],
      }),
    });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('creates, funds and pushes a batch twice without paying anyone twice', async () => {
    const recipients = Array.from(
      { length: RECIPIENTS },
      (_, i) => privateKeyToAccount(`0x${(i + 1).toString(16).padStart(64, '7')}`).address,
    );
    const tree = buildAirdropTree(
      recipients.map((account, i) => ({ index: BigInt(i), account, amount: BigInt(i + 1) })),
    );
    const block = await stack.client.getBlock();
    const created = await run('airdrop.create', {
      factory,
      asset: token,
      strategy: 'push',
      root: tree.root,
      endTime: String(block.timestamp + 86_400n),
      maxBatch: 30,
    });
    const hash = created.transactions[0]?.hash as Hex;
    const [log] = parseEventLogs({
      abi: AirdropFactoryAbi,
      eventName: 'AirdropCreated',
      logs: (await stack.client.getTransactionReceipt({ hash })).logs,
    });
    const airdrop = log!.args.airdrop;
    expect(log!.args.owner).toBe(getAddress(stack.signerWallet));

    await run('airdrop.fund', { airdrop, asset: token, amount: tree.total.toString() });
    expect(await balanceOf(airdrop)).toBe(tree.total);

    const items = tree.claims.map((c) => ({
      index: c.index.toString(),
      account: c.account,
      amount: c.amount.toString(),
      proof: [...c.proof],
    }));
    const first = items.slice(0, 20);
    await run('airdrop.distribute', { airdrop, items: first });
    // The same leaves again (a second operation), then the rest together with some of them.
    await run('airdrop.distribute', { airdrop, items: first });
    await run('airdrop.distribute', { airdrop, items: items.slice(10) });

    for (const [i, who] of recipients.entries()) expect(await balanceOf(who)).toBe(BigInt(i + 1));
    expect(await balanceOf(airdrop)).toBe(0n);
    expect(
      await stack.client.readContract({
        address: airdrop,
        abi: PushAirdropAbi,
        functionName: 'totalClaimed',
      }),
    ).toBe(tree.total);
  }, 600_000);
});
