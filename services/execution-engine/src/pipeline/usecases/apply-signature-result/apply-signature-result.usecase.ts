import { Injectable } from '@nestjs/common';
import { verifySignedTransaction } from '@keel/chain';
import type { KeelEvent } from '@keel/events';
import type { Address, Hex } from 'viem';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { failureOfSigningError } from '../../../journal/state-machine';
import { withStep } from '../../steps';

/**
 * The signer answered. Signed bytes are parsed and must match the prepared
 * call (nonce, to, calldata, chainId, value, recovered signer) before they
 * may be broadcast; the hash recorded is the one derived from those bytes.
 */
@Injectable()
export class ApplySignatureResultUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.signature.result.v1'>): Promise<void> {
    const r = event.payload;
    const locked = await this.operations.lockWithStep(tx.manager, r);
    if (!locked) return;
    let op = locked.op;
    if (r.transactionIndex !== op.currentStep) return;
    const prepared = locked.step;
    if (!prepared) return;

    switch (r.outcome) {
      case 'pending-approval':
        if (op.status === 'SIGNING')
          await this.journal.transition(tx, op, 'PENDING_APPROVAL', {
            subStatus: 'AWAITING_CUSTODY_APPROVAL',
          });
        return;
      case 'failed': {
        // Once broadcast, only the signer's word that the step's own bytes can never be
        // mined (they name its hash) ends the operation; any other late failure is stale.
        const deadBytes =
          op.status === 'BROADCASTING' &&
          typeof r.error.details?.['hash'] === 'string' &&
          prepared.hash?.toLowerCase() === r.error.details['hash'].toLowerCase();
        if (op.status !== 'SIGNING' && op.status !== 'PENDING_APPROVAL' && !deadBytes) return;
        await this.journal.fail(
          tx,
          op,
          failureOfSigningError(r.error.code),
          withStep(op, prepared, {
            code: r.error.code,
            message: r.error.message,
            ...(r.error.details ? { details: r.error.details } : {}),
          }),
        );
        return;
      }
      case 'signed': {
        // A re-priced replacement (same nonce) may arrive while broadcasting or confirming.
        const replacing =
          r.replaces !== undefined && (op.status === 'BROADCASTING' || op.status === 'CONFIRMING');
        if (op.status !== 'SIGNING' && op.status !== 'PENDING_APPROVAL' && !replacing) return;
        const check = await verifySignedTransaction(r.rawTransaction as Hex, {
          chainId: prepared.chainId,
          from: prepared.from as Address,
          nonce: BigInt(r.nonce),
          to: prepared.to as Address,
          data: prepared.data as Hex,
          value: BigInt(prepared.value),
        });
        if (!check.ok) {
          if (replacing) return; // keep waiting for the payload already broadcast
          await this.journal.fail(tx, op, 'PAYLOAD_MISMATCH', {
            code: 'PAYLOAD_MISMATCH',
            message: `The signed payload does not match the prepared call (${check.mismatches.map((m) => m.field).join(', ')}); it was not broadcast.`,
            details: { mismatches: check.mismatches },
          });
          return;
        }
        await this.operations.saveTransaction(tx.manager, {
          ...prepared,
          nonce: r.nonce,
          hash: check.hash,
          rawTransaction: r.rawTransaction,
          gasLimit: r.gasLimit ?? prepared.gasLimit,
          status: 'signed',
        });
        if (!replacing) {
          if (op.status === 'PENDING_APPROVAL')
            op = await this.journal.transition(tx, op, 'SIGNING');
          op = await this.journal.transition(tx, op, 'BROADCASTING');
        }
        await tx.outbox.publish('keel.broadcast.requested.v1', {
          operationId: op.id,
          transactionIndex: prepared.index,
          chainId: prepared.chainId,
          from: prepared.from,
          nonce: r.nonce,
          rawTransaction: r.rawTransaction,
          hash: check.hash,
          nonceReservationId: r.nonceReservationId ?? `${op.id}:${prepared.index}`,
        });
        return;
      }
    }
  }
}
