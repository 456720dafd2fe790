import { Inject, Injectable } from '@nestjs/common';
import type { ConsumeContext } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { withInbox } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../../../tokens';
import { type IngressOperationRecord, IngressRepository } from '../../ingress.repository';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED']);
const MAX_REMEMBERED = 50_000;

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
  /**
   * Where each live operation came from, looked up once per operation rather than once per
   * status change: the mapping never changes, and one that is absent at the first status
   * event never appears (see above). Forgotten at a terminal status; bounded.
   */
  private readonly origins = new Map<string, IngressOperationRecord | null>();

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly repository: IngressRepository,
  ) {}

  private async originOf(
    operationId: string,
    status: string,
  ): Promise<IngressOperationRecord | null> {
    let origin = this.origins.get(operationId);
    if (origin === undefined) {
      origin = await this.repository.findOperation(operationId);
      if (this.origins.size >= MAX_REMEMBERED) {
        const oldest = this.origins.keys().next().value;
        if (oldest !== undefined) this.origins.delete(oldest);
      }
      this.origins.set(operationId, origin);
    }
    if (TERMINAL.has(status)) this.origins.delete(operationId);
    return origin;
  }

  async execute(event: StatusEvent, ctx: ConsumeContext): Promise<void> {
    const origin = await this.originOf(event.payload.operationId, event.payload.status);
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
