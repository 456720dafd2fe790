import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventHandler, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, RESERVE_AND_SIGN } from '../../tokens';
import type { ReserveAndSignUseCase } from '../usecases/reserve-and-sign/reserve-and-sign.usecase';

@Controller()
export class SignatureRequestedHandler {
  private readonly handle: EventHandler<'keel.signature.requested.v1'>;

  constructor(
    @Inject(DATA_SOURCE) dataSource: DataSource,
    @Inject(RESERVE_AND_SIGN) useCase: ReserveAndSignUseCase,
  ) {
    this.handle = withInbox<'keel.signature.requested.v1'>(dataSource, (event, ctx) =>
      useCase.execute({ organizationId: event.organizationId, request: event.payload }, ctx),
    );
  }

  @OnEvent('keel.signature.requested.v1')
  async onSignatureRequested(
    event: KeelEvent<'keel.signature.requested.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await this.handle(event, ctx);
  }
}
