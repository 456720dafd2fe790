import { Injectable } from '@nestjs/common';
import {
  type OperationRequest,
  operationRequestSchema,
  parseOperation,
  problems,
  validateOrThrow,
} from '@keel/operations';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { OperationSubmissionPublisher } from '../../operation-submission.publisher';

export interface SubmittedOperation {
  readonly operationId: string;
  readonly status: 'RECEIVED';
  readonly statusUrl: string;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** `POST /api/v1/operations`: validate, admit (auth, roles, idempotency), publish. */
@Injectable()
export class SubmitOperationUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly publisher: OperationSubmissionPublisher,
  ) {}

  async execute(
    apiKey: string | undefined,
    idempotencyKey: string | undefined,
    body: unknown,
  ): Promise<SubmittedOperation> {
    const checked = this.check(idempotencyKey, body);
    if (!checked.ok) {
      // Authentication first: an anonymous caller learns nothing about validation.
      await this.requestControls.authenticate(apiKey);
      throw checked.problem;
    }
    const { key, request } = checked;
    // A well-formed request goes to request controls once: admission authenticates before
    // anything else, so a bad key is still a 401 whatever the body says.
    const admission = await this.requestControls.admit(apiKey, key, request);
    await this.publisher.publish(admission, key);
    return {
      operationId: admission.operationId,
      status: 'RECEIVED',
      statusUrl: `/api/v1/operations/${admission.operationId}`,
    };
  }

  /** The request's own checks (no I/O); the problem is thrown only once the caller is known. */
  private check(
    idempotencyKey: string | undefined,
    body: unknown,
  ): { ok: true; key: string; request: OperationRequest } | { ok: false; problem: unknown } {
    try {
      if (!idempotencyKey || !IDEMPOTENCY_KEY.test(idempotencyKey)) {
        throw problems.validation(
          'Missing or invalid Idempotency-Key header',
          [
            {
              path: 'header.Idempotency-Key',
              message: 'required: 1 to 255 printable ASCII characters',
            },
          ],
          'Send a unique Idempotency-Key (e.g. a UUID) with every new operation; reuse it only to retry.',
        );
      }
      const request = validateOrThrow(operationRequestSchema, body ?? null, 'operation request');
      const parsed = parseOperation(request.type, request.params);
      if (!parsed.ok) {
        throw problems.validation(
          parsed.unknownType
            ? `Unknown operation type "${request.type}"`
            : `Invalid params for ${request.type}`,
          parsed.issues,
        );
      }
      return { ok: true, key: idempotencyKey, request };
    } catch (problem) {
      return { ok: false, problem };
    }
  }
}
