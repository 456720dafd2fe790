import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { PresentedApiKey } from '../access/api-key.header';
import { CLAIM_TOPICS } from './read-schemas';
import { ReadIndexedStateUseCase } from './usecases/read-indexed-state/read-indexed-state.usecase';

const problem = { schema: { $ref: '#/components/schemas/Problem' } };
const chainId = { name: 'chainId', required: false, type: Number, description: 'only this chain' };
const limit = { name: 'limit', required: false, type: Number, description: '1..500, default 50' };
const cursor = { name: 'cursor', required: false, description: 'nextCursor of the previous page' };
const minBlock = {
  name: 'minBlock',
  required: false,
  description:
    "read-your-writes: answer only from a state that includes this block (an operation's `minBlock`, the block of its last mined transaction). The read waits up to the indexer's KEEL_READ_MAX_WAIT_MS (3 s) for it, else 503 INDEXER_BEHIND. Applies to the chain named by chainId, or to every indexed chain.",
};
const behind = {
  status: 503,
  description:
    "INDEXER_BEHIND (retryable, Retry-After): the indexer had not reached minBlock within the wait; `details` has minBlock, chainId and the indexer's `asOf`",
  ...problem,
};

/**
 * Reads of the indexed chain state; each answer's `asOf` names the block per
 * chain it reflects, and `minBlock` makes a read wait for the block of a write.
 */
@ApiTags('assets')
@ApiSecurity('apiKey')
@Controller()
export class ReadsController {
  constructor(private readonly reads: ReadIndexedStateUseCase) {}

  @Get('assets')
  @ApiOperation({ summary: 'Indexed assets (by chain and address, cursor pagination).' })
  @ApiQuery(chainId)
  @ApiQuery(minBlock)
  @ApiQuery(limit)
  @ApiQuery(cursor)
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/AssetPage' } })
  @ApiResponse(behind)
  @ApiResponse({ status: 422, description: 'Invalid filter or cursor', ...problem })
  assets(@PresentedApiKey() apiKey: string | undefined, @Query() query: unknown): Promise<unknown> {
    return this.reads.execute(apiKey, { kind: 'assets' }, query);
  }

  @Get('assets/:address')
  @ApiOperation({
    summary: 'One asset: configuration, supply, compliance modules and roles.',
  })
  @ApiParam({ name: 'address', description: 'token address (0x…)' })
  @ApiQuery(chainId)
  @ApiQuery(minBlock)
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/AssetRead' } })
  @ApiResponse(behind)
  @ApiResponse({ status: 404, description: 'Not indexed', ...problem })
  asset(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('address') address: string,
    @Query() query: unknown,
  ): Promise<unknown> {
    return this.reads.execute(apiKey, { kind: 'asset', address }, query);
  }

  @Get('assets/:address/holders')
  @ApiOperation({
    summary: 'Holders of an asset with balances and frozen amounts (filters, sorting, cursor).',
  })
  @ApiParam({ name: 'address', description: 'token address (0x…)' })
  @ApiQuery(chainId)
  @ApiQuery(minBlock)
  @ApiQuery(limit)
  @ApiQuery(cursor)
  @ApiQuery({ name: 'sort', required: false, enum: ['balance', 'wallet', 'frozen'] })
  @ApiQuery({ name: 'order', required: false, enum: ['asc', 'desc'] })
  @ApiQuery({ name: 'minBalance', required: false, description: 'base units' })
  @ApiQuery({
    name: 'frozen',
    required: false,
    enum: ['true', 'false'],
    description: 'true: frozen address or frozen tokens; false: neither',
  })
  @ApiQuery({
    name: 'includeZero',
    required: false,
    enum: ['true', 'false'],
    description: 'include former holders (balance 0)',
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/HolderPage' } })
  @ApiResponse(behind)
  @ApiResponse({ status: 404, description: 'Asset not indexed', ...problem })
  @ApiResponse({ status: 422, description: 'Invalid filter or cursor', ...problem })
  holders(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('address') address: string,
    @Query() query: unknown,
  ): Promise<unknown> {
    return this.reads.execute(apiKey, { kind: 'holders', address }, query);
  }

  @Get('identities/:wallet')
  @ApiTags('identities')
  @ApiOperation({
    summary: "A wallet's identity registrations (country) and claims per chain.",
    description: `Each claim names its topic and who issued it (\`issuedBy\`: the claim issuer contract, its owner wallet and the trusted-issuer registry entries naming it). Claim topics: ${CLAIM_TOPICS}`,
  })
  @ApiParam({ name: 'wallet', description: 'wallet address (0x…)' })
  @ApiQuery(chainId)
  @ApiQuery(minBlock)
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/IdentityRead' } })
  @ApiResponse(behind)
  @ApiResponse({ status: 404, description: 'No registration indexed', ...problem })
  identity(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('wallet') wallet: string,
    @Query() query: unknown,
  ): Promise<unknown> {
    return this.reads.execute(apiKey, { kind: 'identity', wallet }, query);
  }
}
