import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { isTerminal } from '../../../journal/state-machine';

/**
 * Consumer groups of the signing pipeline: when one of them gives up on an
 * event of an operation, the operation cannot go on. Other groups (read
 * models, the indexer) failing on an event does not stop the operation.
 */
export const pipelineGroups: ReadonlySet<string> = new Set([
  'execution-engine',
  'request-controls',
  'compliance-simulator',
  'transaction-signer',
  'key-guardian',
  'chain-gateway',
]);

/**
 * A pipeline consumer dead-lettered an event of an operation (the bus
 * announces it under the event's correlation id, the operation id): the
 * operation ends DEAD_LETTER, naming the topic, the consumer group and the
 * reason, so an operator can look at it (and replay with the DLQ tool). An
 * operation that already ended, or an id that is no operation of this
 * organization (a no-op fill, an ingress correlation id), is left alone;
 * the inbox makes a second delivery a no-op. If this handler itself gives
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
    if (!pipelineGroups.has(d.group)) return;
    const op = await this.operations.lock(tx.manager, event.correlationId);
    if (!op || op.organizationId !== event.organizationId || isTerminal(op.status)) return;
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
