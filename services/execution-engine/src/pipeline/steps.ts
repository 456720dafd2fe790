import { Injectable } from '@nestjs/common';
import { type Hex, parseEventLogs } from 'viem';
import { AssetFactoryAbi } from '@keel/abi';
import { ChainReader } from '../chain/chain.reader';
import { Journal, type Tx } from '../journal/journal';
import {
  type OperationError,
  type OperationRecord,
  OperationRepository,
  type TransactionRecord,
} from '../journal/operation.repository';
import type { Completion } from '../plans/plan';
import { SystemRepository } from '../system/system.repository';

/** `STEP_2_OF_5` while the second of five transactions is under way; none for a single transaction. */
export function stepSubStatus(
  op: Pick<OperationRecord, 'stepCount'>,
  index: number,
): string | undefined {
  return op.stepCount > 1 ? `STEP_${index + 1}_OF_${op.stepCount}` : undefined;
}

/** Names the failed step in the error of an operation of several transactions. */
export function withStep(
  op: Pick<OperationRecord, 'stepCount'>,
  tx: Pick<TransactionRecord, 'index' | 'label'>,
  error: OperationError,
): OperationError {
  if (op.stepCount <= 1) return error;
  const label = tx.label ?? `transaction ${tx.index}`;
  return {
    ...error,
    message: `Step ${tx.index + 1} of ${op.stepCount} (${label}) failed: ${error.message}`,
    details: { ...error.details, step: { index: tx.index, of: op.stepCount, label } },
  };
}

/**
 * Runs an operation's plan one transaction at a time: each step gets its own
 * compliance simulation, signature, broadcast and confirmation; the mined
 * receipt of one step starts the next; the last one completes the operation.
 */
@Injectable()
export class StepRunner {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
    private readonly systems: SystemRepository,
    private readonly chain: ChainReader,
  ) {}

  /** Asks for the compliance simulation of the step (nothing is signed before it passes). */
  async requestCompliance(tx: Tx, op: OperationRecord, step: TransactionRecord): Promise<void> {
    const c = step.compliance ?? { kind: 'admin' as const };
    await tx.outbox.publish('keel.compliance.requested.v1', {
      operationId: op.id,
      transactionIndex: step.index,
      call: {
        chainId: step.chainId,
        from: step.from,
        to: step.to,
        data: step.data,
        value: step.value,
      },
      asset: c.asset ?? step.to,
      kind: c.kind,
      ...(c.transfer ? { transfer: c.transfer } : {}),
    });
  }

  /**
   * The step's simulation passed (and its wallet has gas, or a top-up it waited for ended):
   * SIGNING, and the transaction signer is asked to sign that exact call.
   */
  async requestSignature(tx: Tx, op: OperationRecord, step: TransactionRecord): Promise<void> {
    const signing = await this.journal.transition(tx, op, 'SIGNING');
    await tx.outbox.publish(
      'keel.signature.requested.v1',
      {
        operationId: signing.id,
        transactionIndex: step.index,
        call: {
          chainId: step.chainId,
          from: step.from,
          to: step.to,
          data: step.data,
          value: step.value,
        },
        ...(step.gasLimit === null ? {} : { gasLimit: step.gasLimit }),
        organizationId: signing.organizationId,
        nonceReservationId: `${signing.id}:${step.index}`,
      },
      { organizationId: signing.organizationId, correlationId: signing.id },
    );
  }

  /** A step was mined: start the next one, or complete the operation. */
  async stepMined(tx: Tx, op: OperationRecord, mined: TransactionRecord): Promise<void> {
    const next = mined.index + 1;
    if (next < op.stepCount) {
      const step = await this.operations.transactionOf(tx.manager, op.id, next);
      if (!step) throw new Error(`operation ${op.id}: step ${next} of its plan is missing`);
      const advanced = await this.journal.transition(
        tx,
        { ...op, currentStep: next, complianceAttempts: 0 },
        'PREPARING',
        { subStatus: stepSubStatus(op, next) },
      );
      await this.requestCompliance(tx, advanced, step);
      return;
    }
    await this.complete(tx, op, mined.hash as Hex | null);
  }

  /** Records what the operation produced, then COMPLETED. */
  async complete(tx: Tx, op: OperationRecord, lastHash: Hex | null): Promise<void> {
    let result = op.result;
    const completion = op.completion as Completion | null;
    if (completion?.kind === 'system-deployed') {
      await this.systems.markDeployed(tx.manager, op.organizationId, completion.system, op.id);
    } else if (completion?.kind === 'asset-created' && lastHash) {
      const [created] = parseEventLogs({
        abi: AssetFactoryAbi,
        eventName: 'AssetCreated',
        logs: await this.chain.receiptLogs(lastHash),
      });
      if (created) {
        const { token, compliance, identityRegistry, onchainID } = created.args;
        result = { ...result, asset: token, compliance, identityRegistry, onchainID };
      }
    }
    await this.journal.transition(tx, { ...op, result }, 'COMPLETED');
  }
}
