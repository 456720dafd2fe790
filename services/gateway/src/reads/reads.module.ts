import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { IndexerRepository } from './indexer.repository';
import { ReadsController } from './reads.controller';
import { ReadIndexedStateUseCase } from './usecases/read-indexed-state/read-indexed-state.usecase';

@Module({
  imports: [AccessModule],
  controllers: [ReadsController],
  providers: [IndexerRepository, ReadIndexedStateUseCase],
})
export class ReadsModule {}
