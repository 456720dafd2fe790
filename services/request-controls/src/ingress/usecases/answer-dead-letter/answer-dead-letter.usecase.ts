import { Inject, Injectable } from '@nestjs/common';
import { Headers, type RawMessage } from '@keel/bus';
import { inTransaction } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, LOGGER } from '../../../tokens';
import { IngressRefusal } from '../../ingress-refusal';
import { IngressRepository } from '../../ingress.repository';

const ID = /^.{1,128}$/s;

function asId(value: unknown): string | undefined {
  return typeof value === 'string' && ID.test(value) ? value : undefined;
}

interface Addressee {
  readonly correlationId: string;
  readonly organizationId: string;
  readonly messageId?: string;
}

/**
 * Who to answer for a dead-lettered ingress message, from what can still be
 * read: the envelope's fields when the value is JSON, else the Keel headers,
 * else the Kafka key (producers key by correlation id). Null when nothing
 * names a correlation id.
 */
export function addresseeOf(raw: RawMessage): Addressee | null {
  let envelope: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(raw.value ?? '');
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      envelope = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: headers and key are all there is.
  }
  const correlationId =
    asId(envelope['correlationId']) ?? asId(raw.headers[Headers.correlationId]) ?? asId(raw.key);
  if (!correlationId) return null;
  const organizationId =
    asId(envelope['organizationId']) ?? asId(raw.headers[Headers.organizationId]) ?? 'unknown';
  return { correlationId, organizationId };
}

/**
 * Answers a dead-lettered ingress message on the status topic (once per
 * dead letter: the answer and the dead letter's mark commit together). The
 * message itself was never executed.
 */
@Injectable()
export class AnswerDeadLetterUseCase {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly repository: IngressRepository,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(raw: RawMessage): Promise<void> {
    const to = addresseeOf(raw);
    const reason = raw.headers[Headers.dlqReason] ?? 'malformed';
    if (!to) {
      this.logger.warn(
        { partition: raw.partition, offset: raw.offset, reason },
        'dead-lettered ingress message names no correlation id; not answered',
      );
      return;
    }
    const refusal =
      reason === 'malformed'
        ? new IngressRefusal(
            'MALFORMED_MESSAGE',
            `The message is not a valid ingress message: ${raw.headers[Headers.dlqError] ?? 'unreadable'}`,
            'Produce the JSON envelope described in libs/ingress-client/README.md (or use signIngressMessage).',
            { deadLetterReason: reason },
          )
        : new IngressRefusal(
            'INGRESS_UNAVAILABLE',
            'Request controls could not process the message; it was not executed.',
            'Send it again later with a new messageId, timestamp and signature.',
            { deadLetterReason: reason },
            true,
          );
    await inTransaction(
      this.ds,
      { organizationId: to.organizationId, correlationId: to.correlationId },
      async ({ manager, outbox }) => {
        if (!(await this.repository.markDeadLetterAnswered(manager, raw.partition, raw.offset)))
          return;
        await outbox.publish('keel.ingress.status.v1', {
          correlationId: to.correlationId,
          outcome: 'rejected',
          error: refusal.toError(),
          at: new Date().toISOString(),
        });
      },
    );
  }
}
