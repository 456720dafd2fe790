import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PresentedApiKey } from '../access/api-key.header';
import { RequestControlsRepository } from '../access/request-controls.repository';

/** API-key management (admin keys); the new key's secret is returned once. */
@ApiTags('api-keys')
@ApiSecurity('apiKey')
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create a key {name, scope: read|read-write, roles[], assets[]}; the key is shown once.',
  })
  create(
    @PresentedApiKey() apiKey: string | undefined,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.createApiKey(apiKey, body ?? null);
  }

  @Get()
  @ApiOperation({ summary: 'List the keys of the organization (never their secrets).' })
  list(@PresentedApiKey() apiKey: string | undefined): Promise<{ items: unknown[] }> {
    return this.requestControls.listApiKeys(apiKey);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key; it stops working at once.' })
  revoke(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('id') id: string,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.revokeApiKey(apiKey, id);
  }
}
