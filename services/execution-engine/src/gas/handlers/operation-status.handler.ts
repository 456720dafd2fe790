import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { isTerminal } from '../../journal/state-machine';
import { DATA_SOURCE } from '../../tokens';
import { ResumeAfterTopUpUseCase } from '../usecases/resume-after-top-up/resume-after-top-up.usecase';

/** `operation.status` of the engine's own internal submissions: a gas top-up that ended. */
@Controller()
export class OperationStatusHandler {
  private readonly handleEnded: EventHandler<'keel.operation.status.v1'>;

  constructor(@Inject(DATA_SOURCE) ds: DataSource, useCase: ResumeAfterTopUpUseCase) {
    this.handleEnded = withInbox<'keel.operation.status.v1'>(ds, (e, tx) => useCase.execute(tx, e));
  }

  @OnEvent('keel.operation.status.v1', { only: ['via:internal'] })
  async handle(event: KeelEvent<'keel.operation.status.v1'>, ctx: ConsumeContext): Promise<void> {
    // Top-ups are submitted by the engine as an internal caller; only their end matters.
    // Events without selectors still arrive: pass over the rest before opening a transaction.
    if (!event.payload.operationId.startsWith('gas-top-up:') || !isTerminal(event.payload.status))
      return;
    await this.handleEnded(event, ctx);
  }
}
