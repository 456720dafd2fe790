import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { isTerminal } from '../../../journal/state-machine';

/**
 * The deliveries an operation cannot go on without (consumer group → topics): when one of
 * these consumers gives up on an event of an operation, nothing else will move it. Other
 * dead letters leave the operation alone: bookkeeping beside the path (the signer's lane
 * tracking of broadcasts and receipts, key-guardian's spend release and request-controls'
 * ingress answers on status changes) and other groups (read models, the indexer). A signer
 * that gives up on a receipt must not turn a mined operation into DEAD_LETTER.
 */
export const criticalDeliveries: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  [
    'execution-engine',
    new Set([
      'keel.operation.submitted.v1',
      'keel.operation.accepted.v1',
      'keel.operation.rejected.v1',
      'keel.compliance.result.v1',
      'keel.signature.result.v1',
      'keel.receipt.v1',
    ]),
  ],
  ['request-controls', new Set(['keel.operation.submitted.v1'])],
  ['compliance-simulator', new Set(['keel.compliance.requested.v1'])],
  ['transaction-signer', new Set(['keel.signature.requested.v1', 'keel.key.sign.result.v1'])],
  ['key-guardian', new Set(['keel.key.sign.requested.v1'])],
  ['chain-gateway', new Set(['keel.broadcast.requested.v1'])],
]);

/**
 * A pipeline consumer dead-lettered an event of an operation (the bus
 * announces it under the event's correlation id, the operation id): the
 * operation ends DEAD_LETTER, naming the topic, the consumer group and the
 * reason, so an operator can look at it (and replay with the DLQ tool). An
 * operation that already ended, or an id that is no operation of this
 * organization (a no-op fill, an ingress correlation id), is left alone;
 * the inbox makes a second delivery a no-op. An operation whose bytes were
 * already sent (BROADCASTING, CONFIRMING) is never ended by a dead letter:
 * they may still be mined, so it keeps waiting for the chain. If this handler itself gives
 * up, its dead letter is not announced again (see the bus), so nothing loops.
 */
@Injectable()
export class MarkDeadLetteredUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.message.dead-lettered.v1'>): Promise<void> {
    const d = event.payload;
    if (!criticalDeliveries.get(d.group)?.has(d.topic)) return;
    const op = await this.operations.lock(tx.manager, event.correlationId);
    if (!op || op.organizationId !== event.organizationId || isTerminal(op.status)) return;
    if (op.status === 'BROADCASTING' || op.status === 'CONFIRMING') {
      // Signed bytes were sent and may still be mined: the operation is not ended, it waits
      // with the dead letter named in its sub-status (the tracker and the DLQ replay move it on).
      if (op.subStatus === 'MESSAGE_DEAD_LETTERED') return;
      await this.journal.transition(tx, op, op.status, { subStatus: 'MESSAGE_DEAD_LETTERED' });
      return;
    }
    await this.journal.transition(tx, op, 'DEAD_LETTER', {
      subStatus: 'MESSAGE_DEAD_LETTERED',
      error: {
        code: 'MESSAGE_DEAD_LETTERED',
        message: `${d.group} gave up on ${d.topic} (${d.reason}) while the operation was ${op.status}.`,
        module: d.group,
        reason: d.reason,
        details: {
          topic: d.topic,
          group: d.group,
          reason: d.reason,
          error: d.error,
          attempts: d.attempts,
          ...(d.eventId ? { eventId: d.eventId } : {}),
          stage: op.status,
          failedAt: d.failedAt,
        },
      },
    });
  }
}
