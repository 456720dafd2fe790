import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../tokens';
import { MarkDeadLetteredUseCase } from '../usecases/mark-dead-lettered/mark-dead-lettered.usecase';

@Controller()
export class MessageDeadLetteredHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly useCase: MarkDeadLetteredUseCase,
  ) {}

  /** Inbox-deduped: the DEAD_LETTER state, the inbox row and its status event commit together. */
  @OnEvent('keel.message.dead-lettered.v1')
  async handle(
    event: KeelEvent<'keel.message.dead-lettered.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await withInbox<'keel.message.dead-lettered.v1'>(this.ds, (e, tx) =>
      this.useCase.execute(tx, e),
    )(event, ctx);
  }
}
