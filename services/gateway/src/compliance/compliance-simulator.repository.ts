import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { SimulateTransferRequest, SimulateTransferResult } from '@keel/operations';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** The only code calling the compliance simulator. */
@Injectable()
export class ComplianceSimulatorRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  simulate(request: SimulateTransferRequest): Promise<SimulateTransferResult> {
    return callService(this.config.complianceSimulatorUrl, '/internal/v1/simulate', {
      method: 'POST',
      body: request,
      timeoutMs: 20_000,
    });
  }
}
