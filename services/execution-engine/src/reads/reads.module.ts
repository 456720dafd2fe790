import { Module } from '@nestjs/common';
import { JournalModule } from '../journal/journal.module';
import { OperationsReadController } from './operations-read.controller';
import { GetOperationUseCase } from './usecases/get-operation/get-operation.usecase';
import { ListOperationsUseCase } from './usecases/list-operations/list-operations.usecase';

@Module({
  imports: [JournalModule],
  controllers: [OperationsReadController],
  providers: [GetOperationUseCase, ListOperationsUseCase],
})
export class ReadsModule {}
