import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { type OperationView, validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { CancelOperationUseCase } from './usecases/cancel-operation/cancel-operation.usecase';

const cancelBody = z.strictObject({
  organizationId: z.string().min(1).max(128),
  requestedBy: z.string().min(1).max(256),
});

/** Internal command API of the journal, for the gateway (which has authenticated the caller). */
@Controller('internal/v1/operations')
export class OperationsCancelController {
  constructor(private readonly cancel: CancelOperationUseCase) {}

  @Post(':id/cancel')
  @HttpCode(200)
  async cancelOperation(@Param('id') id: string, @Body() body: unknown): Promise<OperationView> {
    const { organizationId, requestedBy } = validateOrThrow(cancelBody, body, 'body');
    return this.cancel.execute({ organizationId, operationId: id, requestedBy });
  }
}
