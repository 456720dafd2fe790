import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import type { CloseApprovalsUseCase } from '../../approvals/usecases/close-approvals/close-approvals.usecase';
import { CLOSE_APPROVALS, DATA_SOURCE, POLICIES } from '../../tokens';
import type { PolicyRepository } from '../policy.repository';

const ENDED_UNDONE = new Set(['FAILED', 'DEAD_LETTER', 'CANCELLED']);

/**
 * An operation that failed after its signature (reverted, payload mismatch,
 * dead-lettered, cancelled) moved nothing: the spend it reserved against the
 * wallet's rolling limits is released. One that ended while an approval of it
 * was pending (cancelled in PENDING_APPROVAL) has that approval closed.
 */
@Controller()
export class OperationEndedHandler {
  private readonly handle: EventHandler<'keel.operation.status.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(POLICIES) policies: PolicyRepository,
    @Inject(CLOSE_APPROVALS) closeApprovals: CloseApprovalsUseCase,
  ) {
    this.handle = withInbox<'keel.operation.status.v1'>(dataSource, async (event, ctx) => {
      if (!ENDED_UNDONE.has(event.payload.status)) return;
      const { operationId, status } = event.payload;
      await closeApprovals.execute(ctx, event.organizationId, operationId, status);
      await policies.releaseOperation(ctx.manager, event.organizationId, event.payload.operationId);
    });
  }

  @OnEvent('keel.operation.status.v1', {
    only: ['status:FAILED', 'status:DEAD_LETTER', 'status:CANCELLED'],
  })
  async onOperationStatus(
    event: KeelEvent<'keel.operation.status.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    // Only terminal failures matter. Events without selectors (published before they
    // existed) still arrive: skip the rest before opening a transaction.
    if (!ENDED_UNDONE.has(event.payload.status)) return;
    await this.handle(event, ctx);
  }
}
