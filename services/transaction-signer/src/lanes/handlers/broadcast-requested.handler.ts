import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, TRACK_TRANSACTION } from '../../tokens';
import type { TrackTransactionUseCase } from '../usecases/track-transaction/track-transaction.usecase';

/** Marks the reservation broadcast (the stuck-transaction clock starts from signing either way). */
@Controller()
export class BroadcastRequestedHandler {
  private readonly handle: EventHandler<'keel.broadcast.requested.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(TRACK_TRANSACTION) useCase: TrackTransactionUseCase,
  ) {
    this.handle = withInbox<'keel.broadcast.requested.v1'>(dataSource, (event, ctx) =>
      useCase.broadcastRequested(ctx.manager, event.payload),
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
