import { Injectable } from '@nestjs/common';
import { type OperationView, problems } from '@keel/operations';
import { GasRepository } from '../../../gas/gas.repository';
import { topUpWarning } from '../../../gas/usecases/get-gas-settings/get-gas-settings.usecase';
import { OperationRepository } from '../../../journal/operation.repository';

/** An operation of the organization; another organization's answers like a missing one. */
@Injectable()
export class GetOperationUseCase {
  constructor(
    private readonly operations: OperationRepository,
    private readonly gas: GasRepository,
  ) {}

  async execute(organizationId: string, id: string): Promise<OperationView> {
    const view = await this.operations.view(organizationId, id);
    if (!view) throw problems.notFound('Operation', id);
    // Gas notes: a top-up the signer wallet waits for, or one that could not be sent.
    const warnings = (await this.gas.ofOperation(this.gas.manager, id))
      .map(topUpWarning)
      .filter((w) => w !== null);
    return warnings.length > 0 ? { ...view, warnings } : view;
  }
}
