import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { HealthController } from './health/health.controller';
import { ChainLogsHandler } from './indexing/handlers/chain-logs.handler';
import type { ApplyBlockUseCase } from './indexing/usecases/apply-block/apply-block.usecase';
import type { ReadModelsRepository } from './reads/read-models.repository';
import { ReadsController } from './reads/reads.controller';
import type { AwaitIndexedBlockUseCase } from './reads/usecases/await-indexed-block/await-indexed-block.usecase';
import { APPLY_BLOCK, AWAIT_INDEXED_BLOCK, DATA_SOURCE, READ_MODELS } from './tokens';

export interface IndexerModuleDeps {
  readonly dataSource: DataSource;
  readonly applyBlock: ApplyBlockUseCase;
  readonly readModels: ReadModelsRepository;
  /** Holds a read with `minBlock` until the indexer has applied that block. */
  readonly awaitIndexedBlock: AwaitIndexedBlockUseCase;
  /** Subscribe to keel.chain.logs.v1 (the bus source). */
  readonly consumeBus: boolean;
}

@Module({})
export class IndexerModule {
  static register(deps: IndexerModuleDeps): DynamicModule {
    return {
      module: IndexerModule,
      controllers: [
        HealthController,
        ReadsController,
        ...(deps.consumeBus ? [ChainLogsHandler] : []),
      ],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: APPLY_BLOCK, useValue: deps.applyBlock },
        { provide: READ_MODELS, useValue: deps.readModels },
        { provide: AWAIT_INDEXED_BLOCK, useValue: deps.awaitIndexedBlock },
      ],
    };
  }
}
