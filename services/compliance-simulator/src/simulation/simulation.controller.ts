import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  type SimulateTransferResult,
  simulateTransferRequestSchema,
  validateOrThrow,
} from '@keel/operations';
import { SimulateTransferUseCase } from './usecases/simulate-transfer/simulate-transfer.usecase';

/** Internal API backing the gateway's `POST /api/v1/compliance/simulate`. */
@Controller('internal/v1')
export class SimulationController {
  constructor(private readonly simulateTransfer: SimulateTransferUseCase) {}

  @Post('simulate')
  @HttpCode(200)
  simulate(@Body() body: unknown): Promise<SimulateTransferResult> {
    return this.simulateTransfer.execute(
      validateOrThrow(simulateTransferRequestSchema, body ?? null, 'simulation request'),
    );
  }
}
