import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Query,
  UnprocessableEntityException,
} from '@nestjs/common';
import { z } from 'zod';
import type { UnifiedSigner, WalletInfo } from '../signer/unified-signer';
import { UNIFIED_SIGNER } from '../tokens';

const createWalletBody = z.object({
  organizationId: z.string().min(1).max(128),
  label: z.string().min(1).max(200).optional(),
});
const listQuery = z.object({ organizationId: z.string().min(1).max(128) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    throw new UnprocessableEntityException({
      error: {
        category: 'validation',
        status: 422,
        retryable: false,
        message: 'invalid request',
        details: r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
      },
    });
  }
  return r.data;
}

/** Internal wallet API (called by operators' tooling and the gateway); returns addresses, never keys. */
@Controller('internal/v1/wallets')
export class WalletsController {
  constructor(@Inject(UNIFIED_SIGNER) private readonly signer: UnifiedSigner) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<WalletInfo> {
    return this.signer.createWallet(parse(createWalletBody, body));
  }

  @Get()
  list(@Query() query: unknown): Promise<WalletInfo[]> {
    return this.signer.listWallets(parse(listQuery, query).organizationId);
  }
}
