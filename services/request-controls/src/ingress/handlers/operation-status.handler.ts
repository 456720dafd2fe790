import { Controller } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { PublishIngressStatusUseCase } from '../usecases/publish-ingress-status/publish-ingress-status.usecase';

@Controller()
export class OperationStatusHandler {
  constructor(private readonly publish: PublishIngressStatusUseCase) {}

  // Only operations that came in through ingress have a producer to answer.
  @OnEvent('keel.operation.status.v1', { only: ['via:ingress'] })
  async handle(event: KeelEvent<'keel.operation.status.v1'>, ctx: ConsumeContext): Promise<void> {
    await this.publish.execute(event, ctx);
  }
}
