import { Injectable } from '@nestjs/common';
import {
  authorizeOperation,
  isOperationType,
  type OperationView,
  problems,
} from '@keel/operations';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { ExecutionEngineRepository } from '../../execution-engine.repository';

/**
 * Cancels an operation before it is signed. The caller must be allowed to
 * request an operation of that type on that asset (the same rule as
 * submitting it); the engine refuses with 409 once the operation is SIGNING
 * or later.
 */
@Injectable()
export class CancelOperationUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly engine: ExecutionEngineRepository,
  ) {}

  async execute(apiKey: string | undefined, id: string): Promise<OperationView> {
    const principal = await this.requestControls.authenticate(apiKey);
    const op = await this.engine.get(principal.organizationId, id);
    const asset = typeof op.params['asset'] === 'string' ? op.params['asset'] : undefined;
    if (!isOperationType(op.type))
      throw problems.forbidden(`operations of type ${op.type} cannot be cancelled over this API`);
    const decision = authorizeOperation(principal, op.type, asset ?? '');
    if (!decision.allowed)
      throw problems.forbidden(
        `cancelling a ${op.type} operation needs what submitting one needs`,
        {
          reason: decision.reason,
          requiredRole: decision.requiredRole,
        },
      );
    return this.engine.cancel(principal.organizationId, id, principal.subjectId);
  }
}
