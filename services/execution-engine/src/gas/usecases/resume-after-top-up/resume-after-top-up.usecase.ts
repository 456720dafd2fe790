import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import type { Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { isTerminal } from '../../../journal/state-machine';
import { StepRunner } from '../../../pipeline/steps';
import { GasRepository } from '../../gas.repository';
import { AWAITING_GAS_TOP_UP } from '../top-up-before-signing/top-up-before-signing.usecase';

/**
 * A top-up (`wallet.fund`) ended: the step that waited for it goes on to signing. It goes on
 * whether the top-up completed or not: without the funds, the signer's pre-sign balance check
 * fails the operation before any signature exists, with what was needed and available.
 * A step no longer waiting (cancelled meanwhile) is left alone.
 */
@Injectable()
export class ResumeAfterTopUpUseCase {
  constructor(
    private readonly gas: GasRepository,
    private readonly operations: OperationRepository,
    private readonly steps: StepRunner,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.operation.status.v1'>): Promise<void> {
    const p = event.payload;
    if (!isTerminal(p.status)) return;
    const topUp = await this.gas.lockSubmitted(tx.manager, p.operationId);
    if (!topUp) return;
    await this.gas.finish(
      tx.manager,
      p.operationId,
      p.status === 'COMPLETED' ? 'completed' : 'failed',
    );
    const locked = await this.operations.lockWithStep(tx.manager, {
      operationId: topUp.operationId,
      transactionIndex: topUp.transactionIndex,
    });
    if (!locked?.step) return;
    const { op, step } = locked;
    if (
      op.status !== 'PREPARING' ||
      op.subStatus !== AWAITING_GAS_TOP_UP ||
      op.currentStep !== topUp.transactionIndex
    )
      return;
    await this.steps.requestSignature(tx, op, step);
  }
}
