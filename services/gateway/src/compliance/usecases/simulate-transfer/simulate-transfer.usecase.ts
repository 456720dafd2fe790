import { Injectable } from '@nestjs/common';
import {
  type SimulateTransferResult,
  simulateTransferRequestSchema,
  validateOrThrow,
} from '@keel/operations';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { ComplianceSimulatorRepository } from '../../compliance-simulator.repository';

@Injectable()
export class SimulateTransferUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly simulator: ComplianceSimulatorRepository,
  ) {}

  async execute(apiKey: string | undefined, body: unknown): Promise<SimulateTransferResult> {
    await this.requestControls.authenticate(apiKey);
    return this.simulator.simulate(
      validateOrThrow(simulateTransferRequestSchema, body ?? null, 'simulation request'),
    );
  }
}
