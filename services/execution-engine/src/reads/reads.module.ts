import { Module } from '@nestjs/common';
import { GasModule } from '../gas/gas.module';
import { JournalModule } from '../journal/journal.module';
import { OperationsReadController } from './operations-read.controller';
import { GetOperationUseCase } from './usecases/get-operation/get-operation.usecase';
import { ListOperationsUseCase } from './usecases/list-operations/list-operations.usecase';

@Module({
  imports: [JournalModule, GasModule],
  controllers: [OperationsReadController],
  providers: [GetOperationUseCase, ListOperationsUseCase],
})
export class ReadsModule {}
