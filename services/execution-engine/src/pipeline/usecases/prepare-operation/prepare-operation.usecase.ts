import { Inject, Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import type { Address } from 'viem';
import type { ExecutionEngineConfig } from '../../../config';
import { Journal, type Tx } from '../../../journal/journal';
import { OperationRepository } from '../../../journal/operation.repository';
import { CONFIG } from '../../../tokens';
import { buildCall, InvalidOperationError, parseStored } from '../../calldata';
import { RecordSubmissionUseCase } from '../record-submission/record-submission.usecase';

/**
 * An accepted operation: RECEIVED → QUEUED → PREPARING. Builds the exact call
 * with the typed ABI and asks for the compliance simulation of that call from
 * that sender. No nonce and no signature exist before the simulation passes.
 */
@Injectable()
export class PrepareOperationUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
    private readonly submissions: RecordSubmissionUseCase,
    @Inject(CONFIG) private readonly config: ExecutionEngineConfig,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.operation.accepted.v1'>): Promise<void> {
    const p = event.payload;
    let op = await this.submissions.ensure(tx, {
      id: p.operationId,
      organizationId: event.organizationId,
      type: p.operationType,
      params: p.params,
      signer: p.signer ?? null,
      submittedBy: p.submittedBy ?? null,
    });
    if (op.status !== 'RECEIVED') return; // already under way (redelivery after a crash)
    op = await this.journal.transition(tx, op, 'QUEUED');
    op = await this.journal.transition(tx, op, 'PREPARING');

    const signer = (p.signer ?? op.signer ?? this.config.defaultSigner) || null;
    if (!signer) {
      await this.journal.fail(tx, op, 'PREPARATION_FAILED', {
        code: 'NO_SIGNER',
        message: 'The operation names no signer wallet and no default signer is configured.',
      });
      return;
    }
    let call;
    try {
      call = buildCall(parseStored(op.type, op.params), signer as Address);
    } catch (err) {
      if (!(err instanceof InvalidOperationError)) throw err;
      await this.journal.fail(tx, op, 'PREPARATION_FAILED', {
        code: 'INVALID_OPERATION',
        message: err.message,
      });
      return;
    }
    op = { ...op, signer };
    await this.operations.saveState(tx.manager, op);
    await this.operations.saveTransaction(tx.manager, {
      operationId: op.id,
      index: 0,
      chainId: this.config.chainId,
      from: signer,
      to: call.to,
      data: call.data,
      value: call.value,
      gasLimit: null,
      nonce: null,
      hash: null,
      rawTransaction: null,
      status: 'prepared',
      blockNumber: null,
      confirmations: 0,
      gasUsed: null,
    });
    await tx.outbox.publish('keel.compliance.requested.v1', {
      operationId: op.id,
      transactionIndex: 0,
      call: {
        chainId: this.config.chainId,
        from: signer,
        to: call.to,
        data: call.data,
        value: call.value,
      },
      asset: call.to,
      kind: call.compliance.kind,
      ...(call.compliance.transfer ? { transfer: call.compliance.transfer } : {}),
    });
  }
}
