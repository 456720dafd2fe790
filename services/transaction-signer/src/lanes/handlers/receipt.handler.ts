import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, LOGGER, RECONCILE_LANE, TRACK_TRANSACTION } from '../../tokens';
import type { ReconcileLaneUseCase } from '../usecases/reconcile-lane/reconcile-lane.usecase';
import type { TrackTransactionUseCase } from '../usecases/track-transaction/track-transaction.usecase';

@Controller()
export class ReceiptHandler {
  private readonly handle: EventHandler<'keel.receipt.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(TRACK_TRANSACTION) track: TrackTransactionUseCase,
    @Inject(RECONCILE_LANE) private readonly reconcile: ReconcileLaneUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.handle = withInbox<'keel.receipt.v1'>(dataSource, async (event, ctx) => {
      const { reconcile } = await track.receipt(ctx, event.payload);
      // After the commit: reconciliation takes the lane lock in its own transaction.
      if (reconcile) {
        setImmediate(() => {
          this.reconcile
            .execute(reconcile)
            .catch((err: unknown) =>
              this.logger.warn({ err: (err as Error).message }, 'reconcile after drop failed'),
            );
        });
      }
    });
  }

  @OnEvent('keel.receipt.v1')
  async onReceipt(event: KeelEvent<'keel.receipt.v1'>, ctx: ConsumeContext): Promise<void> {
    await this.handle(event, ctx);
  }
}
