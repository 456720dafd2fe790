import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { StepRunner, withStep } from '../../steps';

/**
 * The chain answered: mined (COMPLETED), reverted (FAILED/REVERTED with the decoded reason),
 * reorged, refused or dropped. Neither a refusal nor a dropped hash ends the operation: a
 * refused transaction may still be mined (chain-gateway keeps sending it; the operation shows
 * why it waits in its sub-status), and a dropped hash lost its nonce to another transaction,
 * for which the signer re-signs the step on a new nonce (a `signature.result` that `replaces`
 * it). Only the chain (mined) or the signer (no signed bytes of the step can be mined any
 * more) ends an operation once its bytes were sent.
 */
@Injectable()
export class ApplyReceiptUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
    private readonly steps: StepRunner,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.receipt.v1'>): Promise<void> {
    const r = event.payload;
    const locked = await this.operations.lockWithStep(tx.manager, r);
    if (!locked) return;
    let op = locked.op;
    if (op.status !== 'BROADCASTING' && op.status !== 'CONFIRMING') return;
    if (r.transactionIndex !== op.currentStep) return; // an earlier step's late or repeated receipt
    const prepared = locked.step;
    if (!prepared) return;
    const mined = {
      ...prepared,
      hash: r.hash,
      blockNumber: r.blockNumber ?? null,
      confirmations: r.confirmations,
      gasUsed: r.gasUsed ?? null,
    };
    switch (r.status) {
      case 'success':
        await this.operations.saveTransaction(tx.manager, { ...mined, status: 'mined' });
        if (op.status === 'BROADCASTING') op = await this.journal.transition(tx, op, 'CONFIRMING');
        await this.steps.stepMined(tx, op, { ...mined, status: 'mined' });
        return;
      case 'reverted': {
        await this.operations.saveTransaction(tx.manager, { ...mined, status: 'reverted' });
        const reason = r.revert?.reason ?? 'the transaction reverted';
        await this.journal.fail(
          tx,
          op,
          'REVERTED',
          withStep(op, prepared, {
            code: 'REVERTED',
            message: `The transaction reverted on-chain: ${reason}`,
            reason,
            details: {
              hash: r.hash,
              ...(r.revert?.selector ? { selector: r.revert.selector } : {}),
            },
          }),
        );
        return;
      }
      case 'reorged':
        await this.operations.saveTransaction(tx.manager, {
          ...mined,
          status: 'broadcast',
          confirmations: 0,
        });
        if (op.status === 'CONFIRMING')
          await this.journal.transition(tx, op, 'BROADCASTING', { subStatus: 'REORGED' });
        return;
      case 'refused':
      case 'dropped': {
        // A late word about bytes the step no longer carries (a replacement was signed since).
        if (prepared.hash && prepared.hash.toLowerCase() !== r.hash.toLowerCase()) return;
        const code = r.error?.code ?? (r.status === 'refused' ? 'BROADCAST_REFUSED' : 'DROPPED');
        const subStatus = r.status === 'refused' ? code : `REPLACING_${code}`;
        if (op.status === 'CONFIRMING' || op.subStatus === subStatus) return;
        // A sub-status only: an error would stay on the operation after it completes.
        await this.journal.transition(tx, op, 'BROADCASTING', { subStatus });
        return;
      }
    }
  }
}
