import { Injectable } from '@nestjs/common';
import { type OperationView, problems } from '@keel/operations';
import { OperationRepository } from '../../../journal/operation.repository';

/** An operation of the organization; another organization's answers like a missing one. */
@Injectable()
export class GetOperationUseCase {
  constructor(private readonly operations: OperationRepository) {}

  async execute(organizationId: string, id: string): Promise<OperationView> {
    const view = await this.operations.view(organizationId, id);
    if (!view) throw problems.notFound('Operation', id);
    return view;
  }
}
