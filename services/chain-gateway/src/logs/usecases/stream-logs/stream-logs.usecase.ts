import { inTransaction, type TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { Hash } from 'viem';
import type { DataSource, EntityManager } from 'typeorm';
import type { TrackedTransactionRepository } from '../../../broadcast/tracked-transaction.repository';
import type { ChainRepository } from '../../../chain/chain.repository';

/** The log stream is not an operation's: it is correlated by chain, under the system organization. */
export const SYSTEM_ORGANIZATION = 'system';

/**
 * Publishes `chain.logs`: the logs of each new canonical block, in block
 * order, with the block hash. Before moving on it checks that the last
 * published block is still canonical; if a reorg replaced it, every replaced
 * block is published again with `removed: true` (newest first) and the stream
 * continues from the fork point on the new branch.
 */
export class StreamLogsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: ChainRepository,
    private readonly blocks: TrackedTransactionRepository,
    private readonly fromBlock: 'latest' | number,
    private readonly reorgWindow: number,
    private readonly logger: Logger,
    private readonly batch = 50,
  ) {}

  async tick(chainId: number): Promise<number> {
    const head = await this.chain.head(chainId);
    return inTransaction(
      this.dataSource,
      { organizationId: SYSTEM_ORGANIZATION, correlationId: `chain-${chainId}` },
      async (tx) => {
        // One streamer per chain at a time, across replicas.
        await tx.manager.query(`SELECT pg_advisory_xact_lock($1::int, $2::int)`, [
          0x6b636701,
          chainId,
        ]);
        let last = await this.blocks.lastBlock(tx.manager, chainId);
        if (last) last = await this.unwindReorg(chainId, last, tx);
        let next = last
          ? last.number + 1n
          : this.fromBlock === 'latest'
            ? head
            : BigInt(this.fromBlock);
        let published = 0;
        for (let i = 0; i < this.batch && next <= head; i++, next++) {
          const block = await this.chain.block(chainId, next);
          if (!block) break;
          if (last && block.parentHash.toLowerCase() !== last.hash.toLowerCase()) break; // reorg under us: next tick unwinds
          const logs = await this.chain.logs(chainId, block.hash);
          if (logs.length > 0) {
            await tx.outbox.publish('keel.chain.logs.v1', {
              chainId,
              blockNumber: block.number.toString(),
              blockHash: block.hash,
              removed: false,
              logs: logs.map((l) => ({
                address: l.address,
                topics: l.topics as Hash[],
                data: l.data,
                logIndex: l.logIndex ?? 0,
                transactionHash: l.transactionHash ?? '0x',
                transactionIndex: l.transactionIndex ?? 0,
              })),
            });
            published++;
          }
          await this.blocks.putBlock(tx.manager, chainId, block.number, block.hash);
          last = { number: block.number, hash: block.hash };
        }
        if (last)
          await this.blocks.pruneBlocks(
            tx.manager,
            chainId,
            last.number - BigInt(this.reorgWindow),
          );
        return published;
      },
    );
  }

  private async unwindReorg(
    chainId: number,
    last: { number: bigint; hash: Hash },
    tx: { manager: EntityManager; outbox: TransactionOutbox },
  ): Promise<{ number: bigint; hash: Hash } | null> {
    let n = last.number;
    for (;;) {
      const stored = await this.blocks.blockAt(tx.manager, chainId, n);
      if (!stored)
        return n === last.number ? last : await this.blocks.lastBlock(tx.manager, chainId);
      const canonical = await this.chain.block(chainId, n);
      if (canonical && canonical.hash.toLowerCase() === stored.toLowerCase()) {
        return { number: n, hash: stored };
      }
      await tx.outbox.publish('keel.chain.logs.v1', {
        chainId,
        blockNumber: n.toString(),
        blockHash: stored,
        removed: true,
        logs: [],
      });
      await this.blocks.deleteBlock(tx.manager, chainId, n);
      this.logger.warn(
        { chainId, block: n.toString(), hash: stored },
        'block re-orged out of the log stream',
      );
      if (n === 0n) return null;
      n--;
    }
  }
}
