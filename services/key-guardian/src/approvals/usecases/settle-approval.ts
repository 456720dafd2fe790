import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { SigningRequestRepository } from '../../keystore/signing-request.repository';
import type { PolicyRepository } from '../../policy/policy.repository';
import { SignerError, type UnifiedSigner } from '../../signer/unified-signer';
import type { ApprovalRecord, ApprovalRepository } from '../approval.repository';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * Settles a held signing request, in the caller's transaction: the quorum
 * signs exactly the held bytes, a rejection, the deadline or the end of the
 * operation (cancelled, failed, dead-lettered) refuses them and releases the
 * reserved spend. The result goes out under the original request
 * id, so the transaction signer resumes (or fails) the operation.
 */
export class ApprovalSettlement {
  constructor(
    private readonly signer: UnifiedSigner,
    private readonly approvals: ApprovalRepository,
    private readonly requests: SigningRequestRepository,
    private readonly policies: PolicyRepository,
    private readonly logger: Logger,
  ) {}

  async approve(tx: Tx, approval: ApprovalRecord, approvers: readonly string[]): Promise<void> {
    let signature: Hex;
    try {
      const outcome = await this.signer.signTransaction({
        wallet: { organizationId: approval.organizationId, address: approval.wallet as Hex },
        chainId: approval.chainId,
        unsignedTransaction: approval.unsignedTransaction as Hex,
        idempotencyKey: approval.requestId,
      });
      if (outcome.kind !== 'signed')
        throw new SignerError('PROVIDER_UNAVAILABLE', 'the signer held an approved request again');
      signature = outcome.signature;
    } catch (err) {
      if (err instanceof SignerError && !err.retryable)
        return this.refuse(tx, approval, 'rejected', err.code, err.message, 'key-guardian');
      throw err;
    }
    await this.approvals.settle(tx.manager, approval.id, 'approved');
    await this.requests.settle(tx.manager, approval.requestId, { signature });
    await this.approvals.audit(tx.manager, approval, 'quorum-reached', 'key-guardian', {
      approvers,
      required: approval.required,
      signingHash: approval.signingHash,
      summary: approval.summary,
    });
    await tx.outbox.publish(
      'keel.key.sign.result.v1',
      {
        outcome: 'signed',
        requestId: approval.requestId,
        operationId: approval.operationId,
        signature,
      },
      { organizationId: approval.organizationId, correlationId: approval.operationId },
    );
    this.logger.info(
      { approvalId: approval.id, operationId: approval.operationId, approvers: approvers.length },
      'approval quorum reached; held transaction signed',
    );
  }

  async refuse(
    tx: Tx,
    approval: ApprovalRecord,
    status: 'rejected' | 'expired' | 'cancelled',
    code: string,
    message: string,
    actor: string,
  ): Promise<void> {
    await this.approvals.settle(tx.manager, approval.id, status);
    await this.requests.settle(tx.manager, approval.requestId, { errorCode: code });
    await this.policies.release(tx.manager, approval.requestId);
    await this.approvals.audit(tx.manager, approval, status, actor, {
      code,
      message,
      signingHash: approval.signingHash,
    });
    await tx.outbox.publish(
      'keel.key.sign.result.v1',
      {
        outcome: 'refused',
        requestId: approval.requestId,
        operationId: approval.operationId,
        error: { code, message, retryable: false, details: { approvalId: approval.id } },
      },
      { organizationId: approval.organizationId, correlationId: approval.operationId },
    );
    this.logger.info(
      { approvalId: approval.id, operationId: approval.operationId, code },
      'held transaction refused',
    );
  }
}
