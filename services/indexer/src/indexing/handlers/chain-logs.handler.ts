import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { APPLY_BLOCK, DATA_SOURCE } from '../../tokens';
import type { ApplyBlockUseCase } from '../usecases/apply-block/apply-block.usecase';

/**
 * The bus log source: one `keel.chain.logs.v1` event is one block (or its
 * removal). The inbox row, the read-model changes, the undo journal and the
 * checkpoint commit in one transaction.
 */
@Controller()
export class ChainLogsHandler {
  private readonly handle: EventHandler<'keel.chain.logs.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(APPLY_BLOCK) applyBlock: ApplyBlockUseCase,
  ) {
    this.handle = withInbox<'keel.chain.logs.v1'>(dataSource, async (event, ctx) => {
      await applyBlock.execute(ctx.manager, event.payload);
    });
  }

  @OnEvent('keel.chain.logs.v1')
  async onChainLogs(event: KeelEvent<'keel.chain.logs.v1'>, ctx: ConsumeContext): Promise<void> {
    await this.handle(event, ctx);
  }
}
