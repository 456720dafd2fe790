import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { SimulateTransferResult } from '@keel/operations';
import { PresentedApiKey } from '../access/api-key.header';
import { SimulateTransferUseCase } from './usecases/simulate-transfer/simulate-transfer.usecase';

@ApiTags('compliance')
@ApiSecurity('apiKey')
@Controller('compliance')
export class ComplianceController {
  constructor(private readonly simulateTransfer: SimulateTransferUseCase) {}

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Would this transfer pass? Each compliance module in order: pass, or its decoded reason.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/SimulateTransferRequest' } })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/SimulateTransferResult' } })
  async simulate(
    @PresentedApiKey() apiKey: string | undefined,
    @Body() body: unknown,
  ): Promise<SimulateTransferResult> {
    return this.simulateTransfer.execute(apiKey, body);
  }
}
