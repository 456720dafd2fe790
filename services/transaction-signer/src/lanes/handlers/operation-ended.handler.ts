import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent, OperationStatus } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, RELEASE_CANCELLED } from '../../tokens';
import type { ReleaseCancelledUseCase } from '../usecases/release-cancelled/release-cancelled.usecase';

/** The statuses an operation may end in before anything of its current step went to the chain. */
const beforeBroadcast: readonly OperationStatus[] = [
  'RECEIVED',
  'QUEUED',
  'PREPARING',
  'SIGNING',
  'PENDING_APPROVAL',
];

/**
 * `operation.status` CANCELLED, FAILED or DEAD_LETTER reached before the step was broadcast
 * (a refused signature, a payload the engine would not broadcast, a dead-lettered delivery):
 * the operation's unbroadcast nonces are filled with no-ops, so the lane keeps no gap and no
 * signed bytes of the operation are ever sent.
 */
@Controller()
export class OperationEndedHandler {
  private readonly handle: EventHandler<'keel.operation.status.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(RELEASE_CANCELLED) useCase: ReleaseCancelledUseCase,
  ) {
    this.handle = withInbox<'keel.operation.status.v1'>(dataSource, async (event, ctx) => {
      await useCase.execute(ctx, event.organizationId, event.payload.operationId);
    });
  }

  @OnEvent('keel.operation.status.v1', {
    only: ['status:CANCELLED', 'status:FAILED', 'status:DEAD_LETTER'],
  })
  async onOperationStatus(
    event: KeelEvent<'keel.operation.status.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    // Events without selectors (published before they existed) still arrive: skip the rest
    // before opening a transaction.
    const p = event.payload;
    if (p.status !== 'CANCELLED' && p.status !== 'FAILED' && p.status !== 'DEAD_LETTER') return;
    if (
      p.status !== 'CANCELLED' &&
      !(p.previousStatus && beforeBroadcast.includes(p.previousStatus))
    )
      return;
    await this.handle(event, ctx);
  }
}
