import { Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { Journal, type Tx } from '../../../journal/journal';
import { isTerminal } from '../../../journal/state-machine';
import { RecordSubmissionUseCase } from '../record-submission/record-submission.usecase';

/** Request controls refused the operation: FAILED / REQUEST_REJECTED, nothing built. */
@Injectable()
export class RejectOperationUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly submissions: RecordSubmissionUseCase,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.operation.rejected.v1'>): Promise<void> {
    const p = event.payload;
    const op = await this.submissions.ensure(tx, {
      id: p.operationId,
      organizationId: event.organizationId,
      type: 'unknown',
      params: {},
      signer: null,
      submittedBy: null,
    });
    if (isTerminal(op.status)) return;
    await this.journal.fail(tx, op, 'REQUEST_REJECTED', {
      code: p.error.code,
      message: p.error.message,
      ...(p.error.details ? { details: p.error.details } : {}),
    });
  }
}
