import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { failureOfSigningError } from '../../../journal/state-machine';
import { StepRunner, withStep } from '../../steps';

/** The chain answered: mined (COMPLETED), reverted (FAILED/REVERTED with the decoded reason), reorged or dropped. */
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
      case 'dropped':
        await this.operations.saveTransaction(tx.manager, { ...mined, status: 'failed' });
        await this.journal.fail(
          tx,
          op,
          failureOfSigningError(r.error?.code ?? 'NONCE_CONFLICT'),
          withStep(op, prepared, {
            code: r.error?.code ?? 'DROPPED',
            message: r.error?.message ?? 'The transaction was dropped by the network.',
          }),
        );
        return;
    }
  }
}
