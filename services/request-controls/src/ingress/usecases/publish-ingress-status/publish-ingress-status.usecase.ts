import { Inject, Injectable } from '@nestjs/common';
import type { ConsumeContext } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../../tokens';
import { IngressRepository } from '../../ingress.repository';

type StatusEvent = KeelEvent<'keel.operation.status.v1'>;

/**
 * Forwards each status change of an operation that came in through ingress
 * to the producer, keyed by its correlation id. Inbox-deduped, answered
 * through the outbox: a redelivery publishes nothing twice and a restart
 * loses nothing. Operations from other entry points are skipped without a
 * write (their mapping cannot appear later: it commits before the operation
 * is submitted).
 */
@Injectable()
export class PublishIngressStatusUseCase {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly repository: IngressRepository,
  ) {}

  async execute(event: StatusEvent, ctx: ConsumeContext): Promise<void> {
    const origin = await this.repository.findOperation(event.payload.operationId);
    if (!origin) return;
    await withInbox<'keel.operation.status.v1'>(this.ds, async (e, tx) => {
      const s = e.payload;
      await tx.outbox.publish(
        'keel.ingress.status.v1',
        {
          correlationId: origin.correlationId,
          messageId: origin.messageId,
          outcome: 'status',
          operationId: s.operationId,
          status: s.status,
          previousStatus: s.previousStatus,
          ...(s.subStatus ? { subStatus: s.subStatus } : {}),
          ...(s.error ? { error: s.error } : {}),
          ...(s.transactionHashes ? { transactionHashes: s.transactionHashes } : {}),
          sequence: s.sequence,
          at: s.at,
        },
        { organizationId: origin.organizationId, correlationId: origin.correlationId },
      );
    })(event, ctx);
  }
}
