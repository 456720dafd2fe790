import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { BROADCAST_TRANSACTION, DATA_SOURCE } from '../../tokens';
import type { BroadcastTransactionUseCase } from '../usecases/broadcast-transaction/broadcast-transaction.usecase';

@Controller()
export class BroadcastRequestedHandler {
  private readonly handle: EventHandler<'keel.broadcast.requested.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(BROADCAST_TRANSACTION) useCase: BroadcastTransactionUseCase,
  ) {
    this.handle = withInbox<'keel.broadcast.requested.v1'>(dataSource, (event, ctx) =>
      useCase.execute(event.organizationId, event.payload, ctx),
    );
  }

  @OnEvent('keel.broadcast.requested.v1')
  async onBroadcastRequested(
    event: KeelEvent<'keel.broadcast.requested.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await this.handle(event, ctx);
  }
}
