import { Injectable } from '@nestjs/common';
import { type OperationList, operationListQuerySchema, validateOrThrow } from '@keel/operations';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { ExecutionEngineRepository } from '../../execution-engine.repository';

@Injectable()
export class ListOperationsUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly engine: ExecutionEngineRepository,
  ) {}

  async execute(apiKey: string | undefined, query: unknown): Promise<OperationList> {
    const principal = await this.requestControls.authenticate(apiKey);
    const parsed = validateOrThrow(operationListQuerySchema, query, 'query');
    return this.engine.list(principal.organizationId, parsed);
  }
}
