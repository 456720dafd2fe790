import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { GasSettingsView } from '@keel/operations';
import { type Credentials, PresentedCredentials } from '../access/api-key.header';
import { GasSettingsUseCase } from './usecases/gas-settings/gas-settings.usecase';

@ApiTags('gas')
@ApiSecurity('apiKey')
@Controller('gas-settings')
export class GasSettingsController {
  constructor(private readonly gas: GasSettingsUseCase) {}

  @Get()
  @ApiOperation({
    summary:
      "The organization's gas wallet (with its balance), automatic top-up settings, today's top-ups against the daily limits, and warnings (GAS_WALLET_LOW, limits reached).",
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/GasSettings' } })
  get(@PresentedCredentials() credentials: Credentials): Promise<GasSettingsView> {
    return this.gas.get(credentials);
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Replace the gas settings (admin or gas-manager): sourceWallet (the gas wallet), autoTopUp, minBalance, topUpAmount, dailyAmountLimit, dailyCountLimit (amounts in wei, decimal strings).',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/GasSettingsRequest' } })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/GasSettings' } })
  put(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<GasSettingsView> {
    return this.gas.put(credentials, body);
  }
}
