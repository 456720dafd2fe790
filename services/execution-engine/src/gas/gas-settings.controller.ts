import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { type GasSettingsView, gasSettingsRequestSchema, validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { ConfigureGasSettingsUseCase } from './usecases/configure-gas-settings/configure-gas-settings.usecase';
import { GetGasSettingsUseCase } from './usecases/get-gas-settings/get-gas-settings.usecase';

const organizationQuery = z.object({ organizationId: z.string().min(1).max(128) });

/** Internal API of the gas settings, for the gateway (which authenticated and authorized the caller). */
@Controller('internal/v1/gas-settings')
export class GasSettingsController {
  constructor(
    private readonly getSettings: GetGasSettingsUseCase,
    private readonly configure: ConfigureGasSettingsUseCase,
  ) {}

  @Get()
  async show(@Query() query: unknown): Promise<GasSettingsView> {
    const { organizationId } = validateOrThrow(organizationQuery, query, 'query');
    return this.getSettings.execute(organizationId);
  }

  @Put()
  async replace(@Query() query: unknown, @Body() body: unknown): Promise<GasSettingsView> {
    const { organizationId } = validateOrThrow(organizationQuery, query, 'query');
    return this.configure.execute(
      organizationId,
      validateOrThrow(gasSettingsRequestSchema, body, 'body'),
    );
  }
}
