import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type Principal, validateOrThrow } from '@keel/operations';
import { ApiKeyRepository } from './api-key.repository';
import {
  createApiKeyCommandSchema,
  createApiKeyRequestSchema,
  presentedKeySchema,
} from './internal-api.schemas';
import { AuthenticatePrincipalUseCase } from '../sessions/authenticate-principal.usecase';
import {
  type CreatedApiKey,
  CreateApiKeyUseCase,
} from './usecases/create-api-key/create-api-key.usecase';
import { RevokeApiKeyUseCase } from './usecases/revoke-api-key/revoke-api-key.usecase';

/** Internal API for the gateway: authentication and API-key management. */
@Controller('internal/v1')
export class ApiKeysController {
  constructor(
    private readonly authenticate: AuthenticatePrincipalUseCase,
    private readonly createKey: CreateApiKeyUseCase,
    private readonly revokeKey: RevokeApiKeyUseCase,
    private readonly keys: ApiKeyRepository,
  ) {}

  @Post('authenticate')
  @HttpCode(200)
  async authenticateKey(@Body() body: unknown): Promise<Principal> {
    return this.authenticate.execute(
      validateOrThrow(presentedKeySchema, body, 'authentication request'),
    );
  }

  @Post('api-keys')
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<CreatedApiKey> {
    const req = validateOrThrow(createApiKeyRequestSchema, body, 'request');
    const admin = await this.authenticate.execute({ apiKey: req.apiKey, bearer: req.bearer });
    const command = validateOrThrow(createApiKeyCommandSchema, req.key, 'API key');
    return this.createKey.execute(admin, command);
  }

  @Post('api-keys/list')
  @HttpCode(200)
  async list(@Body() body: unknown): Promise<{ items: unknown[] }> {
    const principal = await this.authenticate.execute(
      validateOrThrow(presentedKeySchema, body, 'request'),
    );
    const keys = await this.keys.listByOrganization(principal.organizationId);
    return {
      items: keys.map((k) => ({
        id: k.id,
        name: k.name,
        scope: k.scope,
        roles: k.roles,
        assets: k.assets,
        createdAt: k.createdAt.toISOString(),
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  @Post('api-keys/:id/revoke')
  @HttpCode(200)
  async revoke(
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ id: string; revoked: true }> {
    const presented = validateOrThrow(presentedKeySchema, body, 'request');
    return this.revokeKey.execute(await this.authenticate.execute(presented), id);
  }
}
