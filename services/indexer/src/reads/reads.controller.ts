import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { problems, validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { AWAIT_INDEXED_BLOCK, READ_MODELS } from '../tokens';
import {
  type AssetDetail,
  type AsOf,
  type AssetView,
  CursorError,
  holderSorts,
  type HolderView,
  type IdentityView,
  type Page,
  type ReadModelsRepository,
} from './read-models.repository';
import type { AwaitIndexedBlockUseCase } from './usecases/await-indexed-block/await-indexed-block.usecase';

const addressParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');
const chainIdQuery = z.coerce.number().int().positive().optional();
const limitQuery = z.coerce.number().int().min(1).max(500).default(50);
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
/** Read-your-writes: answer only from a state that includes this block (an operation's minBlock). */
const minBlockQuery = z
  .string()
  .regex(/^\d{1,20}$/, 'must be a block number')
  .transform((v) => BigInt(v))
  .optional();

const assetsQuery = z.object({
  chainId: chainIdQuery,
  minBlock: minBlockQuery,
  limit: limitQuery,
  cursor: z.string().optional(),
});
const holdersQuery = z.object({
  chainId: chainIdQuery,
  minBlock: minBlockQuery,
  limit: limitQuery,
  cursor: z.string().optional(),
  sort: z.enum(holderSorts).default('balance'),
  order: z.enum(['asc', 'desc']).default('desc'),
  minBalance: z
    .string()
    .regex(/^\d{1,78}$/, 'must be an integer amount in base units')
    .transform((v) => BigInt(v))
    .optional(),
  frozen: boolQuery.optional(),
  includeZero: boolQuery.default(false),
});
const oneQuery = z.object({ chainId: chainIdQuery, minBlock: minBlockQuery });

/**
 * The indexer's read endpoint (internal: the public gateway proxies or mirrors
 * these paths). Every answer carries `asOf`, the block per chain it reflects;
 * with `minBlock`, a read first waits (bounded) until that block is applied.
 */
@Controller('api/v1')
export class ReadsController {
  constructor(
    @Inject(READ_MODELS) private readonly reads: ReadModelsRepository,
    @Inject(AWAIT_INDEXED_BLOCK) private readonly awaitIndexedBlock: AwaitIndexedBlockUseCase,
  ) {}

  @Get('assets')
  async assets(@Query() query: unknown): Promise<Page<AssetView>> {
    const q = validateOrThrow(assetsQuery, query, 'query');
    await this.atLeast(q);
    return this.cursorSafe(() => this.reads.listAssets(q));
  }

  @Get('assets/:address')
  async asset(
    @Param('address') address: string,
    @Query() query: unknown,
  ): Promise<{ asset: AssetDetail; asOf: AsOf[] }> {
    validateOrThrow(addressParam, address, 'address');
    const q = validateOrThrow(oneQuery, query, 'query');
    await this.atLeast(q);
    const found = await this.reads.getAsset(address, q.chainId);
    if (!found) throw problems.notFound('Asset', address);
    return found;
  }

  @Get('assets/:address/holders')
  async holders(
    @Param('address') address: string,
    @Query() query: unknown,
  ): Promise<Page<HolderView>> {
    validateOrThrow(addressParam, address, 'address');
    const q = validateOrThrow(holdersQuery, query, 'query');
    await this.atLeast(q);
    const page = await this.cursorSafe(() => this.reads.listHolders(address, q));
    if (!page) throw problems.notFound('Asset', address);
    return page;
  }

  @Get('identities/:wallet')
  async identity(@Param('wallet') wallet: string, @Query() query: unknown): Promise<IdentityView> {
    validateOrThrow(addressParam, wallet, 'wallet');
    const q = validateOrThrow(oneQuery, query, 'query');
    await this.atLeast(q);
    const view = await this.reads.getIdentity(wallet, q.chainId);
    if (view.registrations.length === 0) throw problems.notFound('Identity', wallet);
    return view;
  }

  private async atLeast(q: { minBlock?: bigint | undefined; chainId?: number | undefined }) {
    if (q.minBlock !== undefined) await this.awaitIndexedBlock.execute(q.minBlock, q.chainId);
  }

  private async cursorSafe<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof CursorError)
        throw problems.validation('Invalid cursor', [{ path: 'cursor', message: err.message }]);
      throw err;
    }
  }
}
