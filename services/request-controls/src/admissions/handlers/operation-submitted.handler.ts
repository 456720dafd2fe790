import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../tokens';
import { AuthorizeSubmittedOperationUseCase } from '../usecases/authorize-submitted-operation/authorize-submitted-operation.usecase';

@Controller()
export class OperationSubmittedHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly authorize: AuthorizeSubmittedOperationUseCase,
  ) {}

  /** Inbox-deduped: the decision is written to the outbox in the same transaction. */
  @OnEvent('keel.operation.submitted.v1')
  async handle(
    event: KeelEvent<'keel.operation.submitted.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await withInbox<'keel.operation.submitted.v1'>(this.ds, (e, tx) =>
      this.authorize.execute(e, tx.outbox),
    )(event, ctx);
  }
}
