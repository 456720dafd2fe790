import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../tokens';
import { ApplySignatureResultUseCase } from '../usecases/apply-signature-result/apply-signature-result.usecase';

@Controller()
export class SignatureResultHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly useCase: ApplySignatureResultUseCase,
  ) {}

  /** Inbox-deduped: the state change, the inbox row and the events it causes commit together. */
  @OnEvent('keel.signature.result.v1')
  async handle(event: KeelEvent<'keel.signature.result.v1'>, ctx: ConsumeContext): Promise<void> {
    await withInbox<'keel.signature.result.v1'>(this.ds, (e, tx) => this.useCase.execute(tx, e))(
      event,
      ctx,
    );
  }
}
