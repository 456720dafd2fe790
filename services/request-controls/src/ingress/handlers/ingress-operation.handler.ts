import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../tokens';
import { AdmitIngressMessageUseCase } from '../usecases/admit-ingress-message/admit-ingress-message.usecase';

@Controller()
export class IngressOperationHandler {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly admit: AdmitIngressMessageUseCase,
  ) {}

  /**
   * Inbox-deduped by the envelope id; a message that is not a valid envelope
   * never gets here (the bus dead-letters it, IngressDeadLetterAnswers answers it).
   */
  @OnEvent('keel.ingress.operations.v1')
  async handle(event: KeelEvent<'keel.ingress.operations.v1'>, ctx: ConsumeContext): Promise<void> {
    await withInbox<'keel.ingress.operations.v1'>(this.ds, (e, tx) => this.admit.execute(e, tx))(
      event,
      ctx,
    );
  }
}
