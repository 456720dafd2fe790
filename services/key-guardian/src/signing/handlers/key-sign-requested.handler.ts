import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, SIGN_TRANSACTION } from '../../tokens';
import type { SignTransactionUseCase } from '../usecases/sign-transaction/sign-transaction.usecase';

/** `key.sign.requested` → custodian policy → signature → `key.sign.result`, once per event (inbox). */
@Controller()
export class KeySignRequestedHandler {
  private readonly handle: EventHandler<'keel.key.sign.requested.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(SIGN_TRANSACTION) useCase: SignTransactionUseCase,
  ) {
    this.handle = withInbox<'keel.key.sign.requested.v1'>(dataSource, async (event, ctx) => {
      await useCase.execute(
        {
          organizationId: event.organizationId,
          requestId: event.payload.requestId,
          operationId: event.payload.operationId,
          signer: event.payload.signer as `0x${string}`,
          chainId: event.payload.chainId,
          unsignedTransaction: event.payload.unsignedTransaction as `0x${string}`,
        },
        ctx,
      );
    });
  }

  @OnEvent('keel.key.sign.requested.v1')
  async onKeySignRequested(
    event: KeelEvent<'keel.key.sign.requested.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await this.handle(event, ctx);
  }
}
