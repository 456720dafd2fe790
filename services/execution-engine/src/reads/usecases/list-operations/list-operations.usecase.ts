import { Injectable } from '@nestjs/common';
import type { OperationList, OperationListQuery } from '@keel/operations';
import { OperationRepository } from '../../../journal/operation.repository';

@Injectable()
export class ListOperationsUseCase {
  constructor(private readonly operations: OperationRepository) {}

  execute(organizationId: string, query: OperationListQuery): Promise<OperationList> {
    return this.operations.list(organizationId, query);
  }
}
