import { Inject, Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import type { ExecutionEngineConfig } from '../../../config';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { CONFIG } from '../../../tokens';
import { TopUpBeforeSigningUseCase } from '../../../gas/usecases/top-up-before-signing/top-up-before-signing.usecase';
import { StepRunner, withStep } from '../../steps';

const INSUFFICIENT = /InsufficientUnfrozenBalance|ERC20InsufficientBalance|insufficient balance/i;

/**
 * The simulation answered. A denial fails the operation with the module and
 * its reason; nothing is signed and no nonce is reserved. A pass moves to
 * SIGNING and asks the transaction signer for a signature of that exact call —
 * unless the signer wallet is short of gas and an automatic top-up is sent first.
 */
@Injectable()
export class ApplyComplianceResultUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
    private readonly steps: StepRunner,
    private readonly topUp: TopUpBeforeSigningUseCase,
    @Inject(CONFIG) private readonly config: ExecutionEngineConfig,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.compliance.result.v1'>): Promise<void> {
    const r = event.payload;
    const locked = await this.operations.lockWithStep(tx.manager, r);
    if (!locked) return;
    let op = locked.op;
    if (op.status !== 'PREPARING' || r.transactionIndex !== op.currentStep) return;
    const prepared = locked.step;
    if (!prepared) return;
    const fail = (sub: string, error: Parameters<typeof withStep>[2]) =>
      this.journal.fail(tx, op, sub, withStep(op, prepared, error));

    if (r.error) {
      if (r.error.retryable && op.complianceAttempts < this.config.complianceRetries) {
        op = { ...op, complianceAttempts: op.complianceAttempts + 1 };
        await this.operations.saveState(tx.manager, op);
        await this.steps.requestCompliance(tx, op, prepared);
        return;
      }
      if (r.error.retryable) {
        // Infrastructure kept failing through every retry: not a verdict on the operation, so
        // DEAD_LETTER (an operator looks at it) rather than FAILED.
        await this.journal.transition(tx, op, 'DEAD_LETTER', {
          subStatus: 'RETRIES_EXHAUSTED',
          error: {
            code: 'RETRIES_EXHAUSTED',
            message: `The compliance simulation could not run after ${op.complianceAttempts + 1} attempts: ${r.error.message}`,
            details: {
              stage: 'PREPARING',
              attempts: op.complianceAttempts + 1,
              cause: r.error.code,
            },
          },
        });
        return;
      }
      await fail('PREPARATION_FAILED', {
        code: r.error.code,
        message: `The compliance simulation could not run: ${r.error.message}`,
      });
      return;
    }

    if (!r.allowed) {
      if (r.deniedBy) {
        await fail('COMPLIANCE_REJECTED', {
          code: 'COMPLIANCE_REJECTED',
          message: `Compliance module ${r.deniedBy.module} denied the transfer: ${r.deniedBy.reason}`,
          module: r.deniedBy.module,
          reason: r.deniedBy.reason,
          details: { modules: r.modules },
        });
        return;
      }
      const reason = r.revert?.reason ?? 'the simulated call reverted';
      await fail(INSUFFICIENT.test(reason) ? 'INSUFFICIENT_BALANCE' : 'REVERTED', {
        code: 'SIMULATION_REVERTED',
        message: `The simulation of the call reverted: ${reason}`,
        reason,
        ...(r.revert?.selector ? { details: { selector: r.revert.selector } } : {}),
      });
      return;
    }

    const estimate = r.gasEstimate ? BigInt(r.gasEstimate) : null;
    const gasLimit =
      estimate === null ? null : (estimate * BigInt(100 + this.config.gasHeadroomPercent)) / 100n;
    const sized = { ...prepared, gasLimit: gasLimit?.toString() ?? null };
    await this.operations.saveTransaction(tx.manager, sized);
    // Before any signature: a signer wallet short of gas is topped up first, and waits for it.
    if ((await this.topUp.execute(tx, op, sized)) === 'wait') return;
    await this.steps.requestSignature(tx, op, sized);
  }
}
