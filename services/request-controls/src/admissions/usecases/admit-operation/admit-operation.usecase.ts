import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  assetOf,
  authorizeOperation,
  canonicalJson,
  type OperationRequest,
  type ParsedOperation,
  parseOperation,
  type Principal,
  Problem,
  problems,
} from '@keel/operations';
import { v7 as uuidv7 } from 'uuid';
import { AuthenticatePrincipalUseCase } from '../../../sessions/authenticate-principal.usecase';
import { WalletVerificationService } from '../../../wallet-verification/wallet-verification.service';
import { IdempotencyRepository } from '../../idempotency.repository';
import type { AdmitOperationCommand } from './admit-operation.command';

export interface Admission {
  readonly operationId: string;
  /** False when the idempotency key replayed an earlier identical request. */
  readonly created: boolean;
  readonly principal: Principal;
  readonly operation: ParsedOperation;
  readonly signer: string | undefined;
}

/** Throws the 422/403 problem for an operation this principal may not request. */
export function checkOperation(
  principal: Principal,
  type: string,
  params: unknown,
): ParsedOperation {
  const parsed = parseOperation(type, params);
  if (!parsed.ok) {
    throw problems.validation(
      parsed.unknownType ? `Unknown operation type "${type}"` : `Invalid params for ${type}`,
      parsed.issues,
      parsed.unknownType
        ? 'Use one of the operation types listed in the OpenAPI document.'
        : undefined,
    );
  }
  const decision = authorizeOperation(principal, parsed.operation.type, assetOf(parsed.operation));
  if (!decision.allowed) {
    const why = {
      'read-only-key': 'The API key is read-only; submitting operations needs a read-write key.',
      'missing-role': `The operation ${parsed.operation.type} requires the role ${decision.requiredRole}.`,
      'asset-not-allowed': 'The API key is not allowed to act on this asset.',
    }[decision.reason];
    throw problems.forbidden(why, { reason: decision.reason, requiredRole: decision.requiredRole });
  }
  return parsed.operation;
}

/**
 * Admits an operation request: authenticates the key, validates and authorizes
 * the operation, and binds the idempotency key to one operation id. The same
 * key with the same request returns the same operation; with another request,
 * a 409.
 */
@Injectable()
export class AdmitOperationUseCase {
  constructor(
    private readonly authenticate: AuthenticatePrincipalUseCase,
    private readonly idempotency: IdempotencyRepository,
    private readonly wallet: WalletVerificationService,
  ) {}

  async execute(command: AdmitOperationCommand): Promise<Admission> {
    const principal = await this.authenticate.execute({
      apiKey: command.apiKey,
      bearer: command.bearer,
    });
    if (principal.kind === 'session') {
      // A user's write needs wallet verification, checked before anything is reserved or
      // built; an invalid or forbidden operation is refused first, without spending an attempt.
      checkOperation(principal, command.request.type, command.request.params);
      await this.wallet.verify(principal, command.request.walletVerification);
    }
    return this.admitFor(principal, command.idempotencyKey, command.request);
  }

  /**
   * The admission of an already authenticated principal (HTTP after its key
   * check, Kafka ingress after its message signature check): the same
   * validation, authorization and idempotency for both entry points.
   */
  async admitFor(
    principal: Principal,
    idempotencyKey: string,
    request: OperationRequest,
  ): Promise<Admission> {
    const operation = checkOperation(principal, request.type, request.params);
    const signer = request.signer;
    const requestHash = createHash('sha256')
      .update(
        canonicalJson({
          type: operation.type,
          params: operation.params,
          signer: signer?.toLowerCase(),
        }),
      )
      .digest('hex');
    const { created, record } = await this.idempotency.reserve(
      principal.organizationId,
      idempotencyKey,
      requestHash,
      uuidv7(),
      principal.subjectId,
    );
    if (record.requestHash !== requestHash) {
      throw new Problem({
        category: 'conflict',
        message: 'Idempotency key reused with a different request',
        why: 'This Idempotency-Key was already used for another request body in this organization.',
        fix: 'Use a new Idempotency-Key for a new operation, or resend exactly the original request.',
        details: { operationId: record.operationId },
      });
    }
    return { operationId: record.operationId, created, principal, operation, signer };
  }
}
