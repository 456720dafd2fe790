import { Module } from '@nestjs/common';
import { JournalModule } from '../journal/journal.module';
import { OperationsCancelController } from './operations-cancel.controller';
import { CancelOperationUseCase } from './usecases/cancel-operation/cancel-operation.usecase';

/** Cancellation of an operation before anything is signed (POST /internal/v1/operations/:id/cancel). */
@Module({
  imports: [JournalModule],
  controllers: [OperationsCancelController],
  providers: [CancelOperationUseCase],
})
export class CancellationModule {}
