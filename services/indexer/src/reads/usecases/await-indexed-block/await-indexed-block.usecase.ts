import { Problem } from '@keel/operations';
import type { AsOf } from '../../read-models.repository';

/** Where the indexer stands: its checkpoint per chain (the `asOf` of a read made now). */
export type IndexedBlocks = (chainId?: number) => Promise<AsOf[]>;

export interface AwaitIndexedBlockOptions {
  /** Longest wait for the indexer to reach the block (KEEL_READ_MAX_WAIT_MS). */
  readonly maxWaitMs: number;
  /** How often the checkpoint is looked at while waiting. */
  readonly pollMs?: number;
}

/**
 * Read-your-writes: a caller that has just seen its operation mined in block N
 * reads with `minBlock=N`, and the read waits (bounded) until the indexer has
 * applied block N on that chain, instead of answering from an older state (a
 * 404 for an asset created one block ago). Past the wait it answers a
 * retryable 503 that says where the indexer stands, so the caller retries
 * rather than concluding the asset does not exist.
 */
export class AwaitIndexedBlockUseCase {
  private readonly pollMs: number;

  constructor(
    private readonly indexedBlocks: IndexedBlocks,
    private readonly options: AwaitIndexedBlockOptions,
  ) {
    this.pollMs = options.pollMs ?? 50;
  }

  async execute(minBlock: bigint, chainId?: number): Promise<void> {
    const deadline = Date.now() + this.options.maxWaitMs;
    for (;;) {
      const asOf = await this.indexedBlocks(chainId);
      // Without chainId, every chain the indexer follows must have reached the block.
      if (asOf.length > 0 && asOf.every((a) => BigInt(a.blockNumber) >= minBlock)) return;
      const left = deadline - Date.now();
      if (left <= 0) throw indexerBehind(minBlock, chainId, asOf, this.options.maxWaitMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.pollMs, left)));
    }
  }
}

function indexerBehind(
  minBlock: bigint,
  chainId: number | undefined,
  asOf: AsOf[],
  waitedMs: number,
): Problem {
  const where = asOf.length
    ? asOf.map((a) => `chain ${a.chainId} at block ${a.blockNumber}`).join(', ')
    : `no block of ${chainId === undefined ? 'any chain' : `chain ${chainId}`} yet`;
  return new Problem({
    category: 'unavailable',
    message: 'The indexer has not reached the requested block yet',
    why: `The read asked for minBlock ${minBlock.toString()}; after ${waitedMs} ms the indexer is at ${where}.`,
    fix: 'Retry after Retry-After seconds with the same minBlock; the indexer follows the chain a few hundred milliseconds behind.',
    details: {
      code: 'INDEXER_BEHIND',
      minBlock: minBlock.toString(),
      ...(chainId === undefined ? {} : { chainId }),
      asOf,
      retryAfterSeconds: 1,
    },
  });
}
