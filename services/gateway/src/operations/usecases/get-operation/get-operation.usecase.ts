import { Injectable } from '@nestjs/common';
import type { OperationView } from '@keel/operations';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { ExecutionEngineRepository } from '../../execution-engine.repository';

@Injectable()
export class GetOperationUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly engine: ExecutionEngineRepository,
  ) {}

  async execute(apiKey: string | undefined, id: string): Promise<OperationView> {
    const principal = await this.requestControls.authenticate(apiKey);
    return this.engine.get(principal.organizationId, id);
  }
}
