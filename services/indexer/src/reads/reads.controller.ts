import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { problems, validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { READ_MODELS } from '../tokens';
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

const addressParam = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');
const chainIdQuery = z.coerce.number().int().positive().optional();
const limitQuery = z.coerce.number().int().min(1).max(500).default(50);
const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const assetsQuery = z.object({
  chainId: chainIdQuery,
  limit: limitQuery,
  cursor: z.string().optional(),
});
const holdersQuery = z.object({
  chainId: chainIdQuery,
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
const identityQuery = z.object({ chainId: chainIdQuery });

/**
 * The indexer's read endpoint (internal: the public gateway proxies or mirrors
 * these paths). Every answer carries `asOf`, the block per chain it reflects.
 */
@Controller('api/v1')
export class ReadsController {
  constructor(@Inject(READ_MODELS) private readonly reads: ReadModelsRepository) {}

  @Get('assets')
  async assets(@Query() query: unknown): Promise<Page<AssetView>> {
    const q = validateOrThrow(assetsQuery, query, 'query');
    return this.cursorSafe(() => this.reads.listAssets(q));
  }

  @Get('assets/:address')
  async asset(
    @Param('address') address: string,
    @Query() query: unknown,
  ): Promise<{ asset: AssetDetail; asOf: AsOf[] }> {
    validateOrThrow(addressParam, address, 'address');
    const q = validateOrThrow(identityQuery, query, 'query');
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
    const page = await this.cursorSafe(() => this.reads.listHolders(address, q));
    if (!page) throw problems.notFound('Asset', address);
    return page;
  }

  @Get('identities/:wallet')
  async identity(@Param('wallet') wallet: string, @Query() query: unknown): Promise<IdentityView> {
    validateOrThrow(addressParam, wallet, 'wallet');
    const q = validateOrThrow(identityQuery, query, 'query');
    const view = await this.reads.getIdentity(wallet, q.chainId);
    if (view.registrations.length === 0) throw problems.notFound('Identity', wallet);
    return view;
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
