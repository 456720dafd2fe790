import {
  MalformedTransactionError,
  parseUnsignedTransaction,
  signingHashOf,
  type UnsignedTransaction,
} from '@keel/chain';
import type { PayloadInput } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { Address, Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { SigningRequestRepository } from '../../../keystore/signing-request.repository';
import type { CustodyPolicy } from '../../../policy/custody-policy';
import { callDigestOf } from '../../../policy/decode-call';
import { SignerError, type UnifiedSigner } from '../../../signer/unified-signer';

export interface SignTransactionCommand {
  readonly organizationId: string;
  readonly requestId: string;
  readonly operationId: string;
  readonly signer: Address;
  readonly chainId: number;
  readonly unsignedTransaction: Hex;
}

type Refusal = { code: string; message: string; details?: Record<string, unknown> };
type KeySignResult = PayloadInput<'keel.key.sign.result.v1'>;

/**
 * Signs one transaction for a wallet: decode, custodian policy, signature.
 * The request id is signed at most once: a replay republishes the recorded
 * outcome, a different payload under a known request id is refused. The
 * record and the result event commit in the caller's transaction (inbox +
 * outbox). Refusals carry a code and a reason, never key material.
 */
export class SignTransactionUseCase {
  constructor(
    private readonly signer: UnifiedSigner,
    private readonly policy: CustodyPolicy,
    private readonly requests: SigningRequestRepository,
    private readonly logger: Logger,
  ) {}

  async execute(
    cmd: SignTransactionCommand,
    tx: { manager: EntityManager; outbox: TransactionOutbox },
  ): Promise<KeySignResult> {
    const signingHash = signingHashOf(cmd.unsignedTransaction);
    const previous = await this.requests.find(tx.manager, cmd.requestId);
    if (previous) {
      const result: KeySignResult =
        previous.signingHash !== signingHash
          ? this.refused(cmd, {
              code: 'REQUEST_ID_REUSED',
              message: `request ${cmd.requestId} was already used for another payload; it is never signed twice`,
            })
          : previous.outcome === 'signed' && previous.signature
            ? {
                outcome: 'signed',
                requestId: cmd.requestId,
                operationId: cmd.operationId,
                signature: previous.signature,
              }
            : previous.outcome === 'pending-approval' && previous.approvalId
              ? {
                  outcome: 'pending-approval',
                  requestId: cmd.requestId,
                  operationId: cmd.operationId,
                  approvalId: previous.approvalId,
                }
              : this.refused(cmd, {
                  code: previous.errorCode ?? 'REFUSED',
                  message: 'request was refused before',
                });
      await tx.outbox.publish('keel.key.sign.result.v1', result);
      return result;
    }

    const outcome = await this.decide(cmd, signingHash, tx.manager);
    await this.requests.insert(tx.manager, {
      requestId: cmd.requestId,
      organizationId: cmd.organizationId,
      operationId: cmd.operationId,
      signer: cmd.signer,
      signingHash,
      outcome: outcome.outcome,
      signature: outcome.outcome === 'signed' ? (outcome.signature as Hex) : null,
      errorCode: outcome.outcome === 'refused' ? outcome.error.code : null,
      approvalId: outcome.outcome === 'pending-approval' ? outcome.approvalId : null,
      callDigest: callDigestOrNull(cmd.unsignedTransaction),
    });
    await tx.outbox.publish('keel.key.sign.result.v1', outcome);
    this.logger.info(
      {
        requestId: cmd.requestId,
        operationId: cmd.operationId,
        signer: cmd.signer,
        chainId: cmd.chainId,
        outcome: outcome.outcome,
        ...(outcome.outcome === 'refused' ? { code: outcome.error.code } : {}),
      },
      'signing request handled',
    );
    return outcome;
  }

  private async decide(
    cmd: SignTransactionCommand,
    signingHash: Hex,
    manager: EntityManager,
  ): Promise<KeySignResult> {
    let transaction: UnsignedTransaction;
    try {
      transaction = parseUnsignedTransaction(cmd.unsignedTransaction);
    } catch (err) {
      if (err instanceof MalformedTransactionError)
        return this.refused(cmd, { code: 'MALFORMED_TRANSACTION', message: err.message });
      throw err;
    }
    const decision = await this.policy.evaluate(
      {
        organizationId: cmd.organizationId,
        wallet: cmd.signer,
        operationId: cmd.operationId,
        requestId: cmd.requestId,
        chainId: cmd.chainId,
        unsignedTransaction: cmd.unsignedTransaction,
        signingHash,
        transaction,
      },
      manager,
    );
    switch (decision.kind) {
      case 'allow':
        break;
      case 'deny':
        return this.refused(cmd, {
          code: 'BLOCKED_BY_POLICY',
          message: decision.reason,
          details: { rule: decision.rule },
        });
      case 'hold':
        // Settled later by a signed or refused result under the same request id (quorum, rejection, timeout).
        return {
          outcome: 'pending-approval',
          requestId: cmd.requestId,
          operationId: cmd.operationId,
          approvalId: decision.approvalId,
        };
    }
    try {
      const signed = await this.signer.signTransaction({
        wallet: { organizationId: cmd.organizationId, address: cmd.signer },
        chainId: cmd.chainId,
        unsignedTransaction: cmd.unsignedTransaction,
        idempotencyKey: cmd.requestId,
      });
      switch (signed.kind) {
        case 'signed':
          return {
            outcome: 'signed',
            requestId: cmd.requestId,
            operationId: cmd.operationId,
            signature: signed.signature,
          };
        case 'approval-required':
          return {
            outcome: 'pending-approval',
            requestId: cmd.requestId,
            operationId: cmd.operationId,
            approvalId: signed.approvalId,
          };
      }
    } catch (err) {
      // Provider outages are retried by the bus (with backoff); everything else is a typed refusal.
      if (err instanceof SignerError && !err.retryable) {
        await this.policy.release?.(cmd.requestId, manager);
        return this.refused(cmd, {
          code: err.code,
          message: err.message,
          ...(err.details ? { details: { ...err.details } } : {}),
        });
      }
      throw err;
    }
  }

  private refused(cmd: SignTransactionCommand, error: Refusal): KeySignResult {
    return {
      outcome: 'refused',
      requestId: cmd.requestId,
      operationId: cmd.operationId,
      error: {
        code: error.code,
        message: error.message,
        retryable: false,
        ...(error.details ? { details: error.details } : {}),
      },
    };
  }
}

function callDigestOrNull(unsigned: Hex): string | null {
  try {
    return callDigestOf(parseUnsignedTransaction(unsigned));
  } catch (err) {
    if (err instanceof MalformedTransactionError) return null;
    throw err;
  }
}
