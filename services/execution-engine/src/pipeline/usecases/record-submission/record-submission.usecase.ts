import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { submittedVia, type Tx } from '../../../journal/journal';
import { type OperationRecord, OperationRepository } from '../../../journal/operation.repository';

interface NewOperation {
  readonly id: string;
  readonly organizationId: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly signer: string | null;
  readonly submittedBy: { kind: string; id: string } | null;
}

/** Opens the journal entry of an operation in RECEIVED (idempotent), with its first status event. */
@Injectable()
export class RecordSubmissionUseCase {
  constructor(private readonly operations: OperationRepository) {}

  async execute(tx: Tx, event: KeelEvent<'keel.operation.submitted.v1'>): Promise<void> {
    const p = event.payload;
    await this.ensure(tx, {
      id: p.operationId,
      organizationId: event.organizationId,
      type: p.operationType,
      params: p.params,
      signer: p.signer ?? null,
      submittedBy: p.submittedBy,
    });
  }

  /** Returns the locked operation, creating it in RECEIVED when this is the first event about it. */
  async ensure(tx: Tx, op: NewOperation): Promise<OperationRecord> {
    if (await this.operations.insertReceived(tx.manager, op)) {
      await tx.outbox.publish(
        'keel.operation.status.v1',
        {
          operationId: op.id,
          status: 'RECEIVED',
          previousStatus: null,
          sequence: 0,
          at: new Date().toISOString(),
          ...submittedVia(op.submittedBy),
        },
        { organizationId: op.organizationId, correlationId: op.id },
      );
    }
    const locked = await this.operations.lock(tx.manager, op.id);
    if (!locked) throw new Error(`operation ${op.id} vanished inside its transaction`);
    return locked;
  }
}
