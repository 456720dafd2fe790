import { Module } from '@nestjs/common';
import { GasModule } from '../gas/gas.module';
import { OperationStatusHandler } from '../gas/handlers/operation-status.handler';
import { ResumeAfterTopUpUseCase } from '../gas/usecases/resume-after-top-up/resume-after-top-up.usecase';
import { JournalModule } from '../journal/journal.module';
import { ComplianceResultHandler } from './handlers/compliance-result.handler';
import { MessageDeadLetteredHandler } from './handlers/message-dead-lettered.handler';
import { OperationAcceptedHandler } from './handlers/operation-accepted.handler';
import { OperationRejectedHandler } from './handlers/operation-rejected.handler';
import { OperationSubmittedHandler } from './handlers/operation-submitted.handler';
import { ReceiptHandler } from './handlers/receipt.handler';
import { SignatureResultHandler } from './handlers/signature-result.handler';
import { ApplyComplianceResultUseCase } from './usecases/apply-compliance-result/apply-compliance-result.usecase';
import { ApplyReceiptUseCase } from './usecases/apply-receipt/apply-receipt.usecase';
import { MarkDeadLetteredUseCase } from './usecases/mark-dead-lettered/mark-dead-lettered.usecase';
import { ApplySignatureResultUseCase } from './usecases/apply-signature-result/apply-signature-result.usecase';
import { PrepareOperationUseCase } from './usecases/prepare-operation/prepare-operation.usecase';
import { RecordSubmissionUseCase } from './usecases/record-submission/record-submission.usecase';
import { RejectOperationUseCase } from './usecases/reject-operation/reject-operation.usecase';
import { StepRunner } from './steps';

/** The signing pipeline: one handler per consumed topic, one use case per step. */
@Module({
  imports: [JournalModule, GasModule],
  controllers: [
    OperationSubmittedHandler,
    OperationAcceptedHandler,
    OperationRejectedHandler,
    ComplianceResultHandler,
    SignatureResultHandler,
    ReceiptHandler,
    MessageDeadLetteredHandler,
    OperationStatusHandler,
  ],
  providers: [
    RecordSubmissionUseCase,
    PrepareOperationUseCase,
    RejectOperationUseCase,
    ApplyComplianceResultUseCase,
    ApplySignatureResultUseCase,
    ApplyReceiptUseCase,
    MarkDeadLetteredUseCase,
    StepRunner,
    ResumeAfterTopUpUseCase,
  ],
})
export class PipelineModule {}
