import { rpcHttpTransport } from '@keel/chain';
import {
  createPublicClient,
  decodeFunctionResult,
  encodeFunctionData,
  fallback,
  type Hash,
  parseAbi,
  type PublicClient,
} from 'viem';
import type { BlockLogs, ChainStateReader } from '../chain-events';

/**
 * Direct JSON-RPC access for the poller source: head, block hashes and
 * `eth_getLogs` by block range, grouped into the same per-block shape as the
 * chain-gateway's `keel.chain.logs.v1` stream.
 */
const storageAbi = parseAbi([
  'function storedInvestorCountry(address wallet) view returns (uint16)',
]);

export class RpcChainRepository implements ChainStateReader {
  private readonly client: PublicClient;

  constructor(
    readonly chainId: number,
    rpcUrls: readonly string[],
  ) {
    this.client = createPublicClient({
      transport: fallback(
        rpcUrls.map((u) => rpcHttpTransport(u, { retryCount: 1, timeout: 10_000 })),
      ),
    });
  }

  async storedInvestorCountry(
    chainId: number,
    storage: Hash,
    wallet: Hash,
    blockHash: Hash,
  ): Promise<number | null> {
    if (chainId !== this.chainId) return null;
    const data = encodeFunctionData({
      abi: storageAbi,
      functionName: 'storedInvestorCountry',
      args: [wallet],
    });
    // EIP-1898: the state of exactly this block, whatever branch is canonical now.
    const result = await this.client.request({
      method: 'eth_call',
      params: [{ to: storage, data }, { blockHash }],
    });
    return decodeFunctionResult({
      abi: storageAbi,
      functionName: 'storedInvestorCountry',
      data: result,
    });
  }

  async head(): Promise<bigint> {
    return this.client.getBlockNumber({ cacheTime: 0 });
  }

  async blockHash(number: bigint): Promise<Hash | null> {
    try {
      const block = await this.client.getBlock({ blockNumber: number });
      return block.hash ? (block.hash.toLowerCase() as Hash) : null;
    } catch {
      return null;
    }
  }

  /** Blocks in [from, to] that have logs, in block order, each with its logs in log order. */
  async logs(from: bigint, to: bigint): Promise<BlockLogs[]> {
    const logs = await this.client.getLogs({ fromBlock: from, toBlock: to });
    const blocks = new Map<bigint, BlockLogs>();
    for (const l of logs) {
      if (l.blockNumber === null || l.blockHash === null || l.logIndex === null) continue;
      if (l.removed) continue;
      let block = blocks.get(l.blockNumber);
      if (!block) {
        block = {
          chainId: this.chainId,
          blockNumber: l.blockNumber.toString(),
          blockHash: l.blockHash.toLowerCase(),
          removed: false,
          logs: [],
        };
        blocks.set(l.blockNumber, block);
      }
      if (block.blockHash !== l.blockHash.toLowerCase())
        throw new Error(`block ${l.blockNumber} changed during eth_getLogs (reorg); retrying`);
      block.logs.push({
        address: l.address,
        topics: l.topics as Hash[],
        data: l.data,
        logIndex: l.logIndex,
        transactionHash: l.transactionHash ?? '0x',
        transactionIndex: l.transactionIndex ?? 0,
      });
    }
    return [...blocks.values()].sort((a, b) =>
      BigInt(a.blockNumber) < BigInt(b.blockNumber) ? -1 : 1,
    );
  }
}
