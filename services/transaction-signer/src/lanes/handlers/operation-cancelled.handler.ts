import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, RELEASE_CANCELLED } from '../../tokens';
import type { ReleaseCancelledUseCase } from '../usecases/release-cancelled/release-cancelled.usecase';

/** `operation.status` CANCELLED: the operation's unbroadcast nonces are filled with no-ops. */
@Controller()
export class OperationCancelledHandler {
  private readonly handle: EventHandler<'keel.operation.status.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(RELEASE_CANCELLED) useCase: ReleaseCancelledUseCase,
  ) {
    this.handle = withInbox<'keel.operation.status.v1'>(dataSource, async (event, ctx) => {
      await useCase.execute(ctx, event.organizationId, event.payload.operationId);
    });
  }

  @OnEvent('keel.operation.status.v1', { only: ['status:CANCELLED'] })
  async onOperationStatus(
    event: KeelEvent<'keel.operation.status.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    // Only a cancellation matters. Events without selectors (published before they
    // existed) still arrive: skip the rest before opening a transaction.
    if (event.payload.status !== 'CANCELLED') return;
    await this.handle(event, ctx);
  }
}
