import { Inject, Injectable } from '@nestjs/common';
import type { EventBus } from '@keel/bus';
import { type Principal, problems } from '@keel/operations';
import type { Logger } from '@keel/telemetry';
import { EVENT_BUS, LOGGER } from '../tokens';
import type { Admission } from '../access/request-controls.repository';

/** Who submitted, as events carry it: the API key id or the user id (never a secret). */
function submitterOf(principal: Principal): { kind: 'api-key' | 'user'; id: string } {
  if (principal.kind === 'session' && principal.userId)
    return { kind: 'user', id: principal.userId };
  return { kind: 'api-key', id: principal.apiKeyId ?? principal.subjectId };
}

/**
 * Publishes operation.submitted. The gateway has no database: an admitted
 * operation whose publish failed is published again when the client retries
 * with the same Idempotency-Key (consumers dedupe by operation id).
 */
@Injectable()
export class OperationSubmissionPublisher {
  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async publish(admission: Admission, idempotencyKey: string): Promise<void> {
    try {
      await this.bus.publish(
        'keel.operation.submitted.v1',
        {
          operationId: admission.operationId,
          operationType: admission.operation.type,
          params: admission.operation.params,
          ...(admission.signer ? { signer: admission.signer } : {}),
          idempotencyKey,
          submittedBy: submitterOf(admission.principal),
          submittedAt: new Date().toISOString(),
        },
        {
          organizationId: admission.principal.organizationId,
          correlationId: admission.operationId,
        },
      );
    } catch (err) {
      this.logger.error(
        { err, operationId: admission.operationId },
        'publishing operation.submitted failed',
      );
      throw problems.unavailable('event bus');
    }
  }
}
