import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ExecutionEngineRepository } from './execution-engine.repository';
import { OperationSubmissionPublisher } from './operation-submission.publisher';
import { OperationsController } from './operations.controller';
import { CancelOperationUseCase } from './usecases/cancel-operation/cancel-operation.usecase';
import { GetOperationUseCase } from './usecases/get-operation/get-operation.usecase';
import { ListOperationsUseCase } from './usecases/list-operations/list-operations.usecase';
import { StreamOperationEventsUseCase } from './usecases/stream-operation-events/stream-operation-events.usecase';
import { SubmitOperationUseCase } from './usecases/submit-operation/submit-operation.usecase';

@Module({
  imports: [AccessModule],
  controllers: [OperationsController],
  providers: [
    ExecutionEngineRepository,
    OperationSubmissionPublisher,
    SubmitOperationUseCase,
    GetOperationUseCase,
    ListOperationsUseCase,
    StreamOperationEventsUseCase,
    CancelOperationUseCase,
  ],
})
export class OperationsModule {}
