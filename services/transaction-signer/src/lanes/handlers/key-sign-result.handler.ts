import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { COMPLETE_SIGNING, DATA_SOURCE } from '../../tokens';
import type { CompleteSigningUseCase } from '../usecases/complete-signing/complete-signing.usecase';

@Controller()
export class KeySignResultHandler {
  private readonly handle: EventHandler<'keel.key.sign.result.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(COMPLETE_SIGNING) useCase: CompleteSigningUseCase,
  ) {
    this.handle = withInbox<'keel.key.sign.result.v1'>(dataSource, (event, ctx) =>
      useCase.execute(event.payload, ctx),
    );
  }

  @OnEvent('keel.key.sign.result.v1')
  async onKeySignResult(
    event: KeelEvent<'keel.key.sign.result.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await this.handle(event, ctx);
  }
}
