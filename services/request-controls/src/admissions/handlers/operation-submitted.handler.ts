import { Controller } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { AuthorizeSubmittedOperationUseCase } from '../usecases/authorize-submitted-operation/authorize-submitted-operation.usecase';

@Controller()
export class OperationSubmittedHandler {
  constructor(private readonly authorize: AuthorizeSubmittedOperationUseCase) {}

  @OnEvent('keel.operation.submitted.v1')
  async handle(
    event: KeelEvent<'keel.operation.submitted.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await this.authorize.execute(event, ctx.traceparent);
  }
}
