import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../tokens';
import { ResumeAfterTopUpUseCase } from '../usecases/resume-after-top-up/resume-after-top-up.usecase';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED']);

/** `operation.status` of the engine's own internal submissions: a gas top-up that ended. */
@Controller()
export class OperationStatusHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly useCase: ResumeAfterTopUpUseCase,
  ) {}

  @OnEvent('keel.operation.status.v1', { only: ['via:internal'] })
  async handle(event: KeelEvent<'keel.operation.status.v1'>, ctx: ConsumeContext): Promise<void> {
    // Top-ups are submitted by the engine as an internal caller; only their end matters.
    // Events without selectors still arrive: pass over the rest before opening a transaction.
    if (!event.payload.operationId.startsWith('gas-top-up:') || !TERMINAL.has(event.payload.status))
      return;
    await withInbox<'keel.operation.status.v1'>(this.ds, (e, tx) => this.useCase.execute(tx, e))(
      event,
      ctx,
    );
  }
}
