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
import { parseSecretReference, type SecretReference } from '../signer/dfns/secret-reference';
import { SignerError, type UnifiedSigner, type WalletInfo } from '../signer/unified-signer';
import { REGISTER_DFNS_WALLET, UNIFIED_SIGNER } from '../tokens';
import type { RegisterDfnsWalletUseCase } from './usecases/register-dfns-wallet/register-dfns-wallet.usecase';

const createWalletBody = z.object({
  organizationId: z.string().min(1).max(128),
  label: z.string().min(1).max(200).optional(),
});
const secretReference = z.string().transform((value, ctx): SecretReference => {
  try {
    return parseSecretReference(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});
const registerDfnsWalletBody = z.object({
  organizationId: z.string().min(1).max(128),
  label: z.string().min(1).max(200).optional(),
  dfnsWalletId: z.string().min(1).max(128),
  connection: z.object({
    baseUrl: z.string().url(),
    credId: z.string().min(1).max(256),
    authToken: secretReference,
    privateKey: secretReference,
  }),
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
  constructor(
    @Inject(UNIFIED_SIGNER) private readonly signer: UnifiedSigner,
    @Inject(REGISTER_DFNS_WALLET) private readonly registerDfns: RegisterDfnsWalletUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<WalletInfo> {
    return this.signer.createWallet(parse(createWalletBody, body));
  }

  /** A wallet whose key DFNS holds: its DFNS id and references (env:/file:) to the credentials. */
  @Post('dfns')
  @HttpCode(201)
  async registerDfnsWallet(@Body() body: unknown): Promise<WalletInfo> {
    try {
      return await this.registerDfns.execute(parse(registerDfnsWalletBody, body));
    } catch (err) {
      if (err instanceof SignerError && !err.retryable)
        throw new UnprocessableEntityException({
          error: {
            category: 'validation',
            status: 422,
            retryable: false,
            message: err.message,
            details: [`code: ${err.code}`],
          },
        });
      throw err;
    }
  }

  @Get()
  list(@Query() query: unknown): Promise<WalletInfo[]> {
    return this.signer.listWallets(parse(listQuery, query).organizationId);
  }
}
