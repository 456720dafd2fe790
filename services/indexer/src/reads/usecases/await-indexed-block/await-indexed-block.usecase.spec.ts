import { Problem } from '@keel/operations';
import { describe, expect, it } from 'vitest';
import type { AsOf } from '../../read-models.repository';
import { AwaitIndexedBlockUseCase } from './await-indexed-block.usecase';

const at = (blockNumber: number, chainId = 31337): AsOf => ({
  chainId,
  blockNumber: String(blockNumber),
  blockHash: null,
});

describe('a read that waits for the indexer to reach a block', () => {
  it('returns at once when the block is applied', async () => {
    const wait = new AwaitIndexedBlockUseCase(() => Promise.resolve([at(10)]), { maxWaitMs: 0 });
    await expect(wait.execute(10n)).resolves.toBeUndefined();
  });

  it('waits while the indexer catches up', async () => {
    let block = 7;
    const seen: (number | undefined)[] = [];
    const wait = new AwaitIndexedBlockUseCase(
      (chainId) => {
        seen.push(chainId);
        return Promise.resolve([at(block++)]);
      },
      { maxWaitMs: 2_000, pollMs: 5 },
    );
    await wait.execute(10n, 31337);
    expect(block).toBe(11);
    expect(seen.every((c) => c === 31337)).toBe(true);
  });

  it('answers a retryable 503 with where the indexer stands once the wait is over', async () => {
    const wait = new AwaitIndexedBlockUseCase(() => Promise.resolve([at(4)]), {
      maxWaitMs: 60,
      pollMs: 10,
    });
    const started = Date.now();
    const err = await wait.execute(9n, 31337).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    expect(err).toBeInstanceOf(Problem);
    const body = (err as Problem).toBody().error;
    expect(body).toMatchObject({ status: 503, retryable: true, category: 'unavailable' });
    expect(body.details).toEqual({
      code: 'INDEXER_BEHIND',
      minBlock: '9',
      chainId: 31337,
      asOf: [at(4)],
      retryAfterSeconds: 1,
    });
  });

  it('needs every chain to be there when no chain is named, and some chain at all', async () => {
    const twoChains = new AwaitIndexedBlockUseCase(() => Promise.resolve([at(12), at(3, 1)]), {
      maxWaitMs: 0,
    });
    await expect(twoChains.execute(10n)).rejects.toBeInstanceOf(Problem);
    const none = new AwaitIndexedBlockUseCase(() => Promise.resolve([]), { maxWaitMs: 0 });
    await expect(none.execute(0n)).rejects.toBeInstanceOf(Problem);
  });
});
