import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Problem } from '@keel/operations';
import type { TransactionOutbox } from '@keel/persistence';
import { AuthenticateApiKeyUseCase } from '../../../api-keys/usecases/authenticate-api-key/authenticate-api-key.usecase';
import { principalOfUser } from '../../../sessions/principal-of-user';
import { UserRepository } from '../../../users/user.repository';
import { checkOperation } from '../admit-operation/admit-operation.usecase';

type Submitted = KeelEvent<'keel.operation.submitted.v1'>;

/**
 * The authoritative request-control decision for a submitted operation:
 * accepted or rejected, published for the execution engine. The decision is
 * written to the outbox in the transaction that records the event in the
 * inbox, so a redelivered submission changes nothing and publishes nothing.
 */
@Injectable()
export class AuthorizeSubmittedOperationUseCase {
  constructor(
    private readonly authenticate: AuthenticateApiKeyUseCase,
    private readonly users: UserRepository,
  ) {}

  async execute(event: Submitted, outbox: TransactionOutbox): Promise<void> {
    const p = event.payload;
    const meta = { organizationId: event.organizationId, correlationId: p.operationId };
    const reject = async (code: string, message: string, details: Record<string, unknown> = {}) => {
      await outbox.publish(
        'keel.operation.rejected.v1',
        {
          operationId: p.operationId,
          error: { code, message, retryable: false, details },
          rejectedAt: new Date().toISOString(),
        },
        meta,
      );
    };

    let roles: string[] = [];
    switch (p.submittedBy.kind) {
      // Ingress submissions are published by request controls itself once the message
      // signature checked out; their id is the signing API key, re-checked here like HTTP's.
      case 'ingress':
      case 'api-key': {
        const principal = await this.authenticate.principalOf(p.submittedBy.id);
        if (!principal) return reject('UNAUTHENTICATED', 'The API key is unknown or was revoked.');
        if (principal.organizationId !== event.organizationId) {
          return reject(
            'FORBIDDEN',
            'The API key does not belong to the organization of the operation.',
          );
        }
        try {
          checkOperation(principal, p.operationType, p.params);
        } catch (err) {
          if (!(err instanceof Problem)) throw err;
          return reject(
            err.init.category === 'validation' ? 'INVALID_OPERATION' : 'FORBIDDEN',
            err.init.why,
            {
              ...err.init.details,
            },
          );
        }
        roles = [...principal.roles];
        break;
      }
      case 'user': {
        // A user's session was checked (with wallet verification) at admission; the user
        // must still exist, be enabled and hold the role now.
        const user = await this.users.findById(event.organizationId, p.submittedBy.id);
        if (!user || user.disabledAt)
          return reject('UNAUTHENTICATED', 'The user is unknown in this organization or disabled.');
        const principal = principalOfUser(user);
        try {
          checkOperation(principal, p.operationType, p.params);
        } catch (err) {
          if (!(err instanceof Problem)) throw err;
          return reject(
            err.init.category === 'validation' ? 'INVALID_OPERATION' : 'FORBIDDEN',
            err.init.why,
            { ...err.init.details },
          );
        }
        roles = [...principal.roles];
        break;
      }
      case 'internal':
        // Trusted internal callers (add-on services) are authorized by deployment.
        roles = ['internal'];
        break;
    }

    await outbox.publish(
      'keel.operation.accepted.v1',
      {
        operationId: p.operationId,
        operationType: p.operationType,
        params: p.params,
        ...(p.signer ? { signer: p.signer } : {}),
        acceptedAt: new Date().toISOString(),
        submittedBy: p.submittedBy,
        ...(p.idempotencyKey ? { idempotencyKey: p.idempotencyKey } : {}),
        roles,
      },
      meta,
    );
  }
}
