import { FixtureTokenAbi, FixtureTokenBytecode } from '@keel/abi';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseUnits,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilHandle } from './anvil';

describe('generated typed ABI with viem against anvil', () => {
  let anvil: AnvilHandle;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('deploys the fixture contract and calls it through the typed ABI', async () => {
    const chain = defineChain({
      id: anvil.chainId,
      name: 'anvil',
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [anvil.rpcUrl] } },
    });
    const owner = privateKeyToAccount(anvil.accounts[0]!.privateKey);
    const holder = anvil.accounts[1]!.address;
    const wallet = createWalletClient({ account: owner, chain, transport: http() });
    const client = createPublicClient({ chain, transport: http() });

    const deployHash = await wallet.deployContract({
      abi: FixtureTokenAbi,
      bytecode: FixtureTokenBytecode,
      args: ['Fixture', 'FIX', owner.address],
    });
    const { contractAddress, status } = await client.waitForTransactionReceipt({
      hash: deployHash,
    });
    expect(status).toBe('success');
    const address = contractAddress!;

    const amount = parseUnits('12.5', 18);
    const hash = await wallet.writeContract({
      address,
      abi: FixtureTokenAbi,
      functionName: 'mint',
      args: [holder, amount],
    });
    await client.waitForTransactionReceipt({ hash });

    const [balance, count, symbol] = await Promise.all([
      client.readContract({
        address,
        abi: FixtureTokenAbi,
        functionName: 'balanceOf',
        args: [holder],
      }),
      client.readContract({ address, abi: FixtureTokenAbi, functionName: 'mintCount' }),
      client.readContract({ address, abi: FixtureTokenAbi, functionName: 'symbol' }),
    ]);
    // The typed ABI gives bigint / string results without casts.
    const typedBalance: bigint = balance;
    expect(typedBalance).toBe(amount);
    expect(count).toBe(1n);
    expect(symbol).toBe('FIX');

    const logs = await client.getContractEvents({
      address,
      abi: FixtureTokenAbi,
      eventName: 'Minted',
    });
    expect(logs).toHaveLength(1);
    expect(logs[0]!.args).toEqual({ to: holder, amount, mintCount: 1n });

    // Custom errors decode by name from the generated ABI.
    const err = await client
      .simulateContract({
        account: owner,
        address,
        abi: FixtureTokenAbi,
        functionName: 'mint',
        args: [holder, 0n],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BaseError);
    const revert = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
    expect(revert).toBeInstanceOf(ContractFunctionRevertedError);
    expect((revert as ContractFunctionRevertedError).data?.errorName).toBe('ZeroAmount');
  });
});
