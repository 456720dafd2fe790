import { createPublicClient, fallback, type Hash, http, type PublicClient } from 'viem';
import type { BlockLogs } from '../chain-events';

/**
 * Direct JSON-RPC access for the poller source: head, block hashes and
 * `eth_getLogs` by block range, grouped into the same per-block shape as the
 * chain-gateway's `keel.chain.logs.v1` stream.
 */
export class RpcChainRepository {
  private readonly client: PublicClient;

  constructor(
    readonly chainId: number,
    rpcUrls: readonly string[],
  ) {
    this.client = createPublicClient({
      transport: fallback(rpcUrls.map((u) => http(u, { retryCount: 1, timeout: 10_000 }))),
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
