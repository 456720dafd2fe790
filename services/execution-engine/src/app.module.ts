import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EventBus } from '@keel/bus';
import { HealthController } from '@keel/http-problem';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { CancellationModule } from './cancellation/cancellation.module';
import { GasModule } from './gas/gas.module';
import { PipelineModule } from './pipeline/pipeline.module';
import { ReadsModule } from './reads/reads.module';
import { SystemModule } from './system/system.module';
import type { ExecutionEngineConfig } from './config';
import { CONFIG, DATA_SOURCE, EVENT_BUS, LOGGER } from './tokens';

export interface ExecutionEngineDeps {
  readonly config: ExecutionEngineConfig;
  readonly dataSource: DataSource;
  readonly bus: EventBus;
  readonly logger: Logger;
}

@Global()
@Module({})
class InfrastructureModule {
  static register(deps: ExecutionEngineDeps): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: EVENT_BUS, useValue: deps.bus },
        { provide: LOGGER, useValue: deps.logger },
      ],
      exports: [CONFIG, DATA_SOURCE, EVENT_BUS, LOGGER],
    };
  }
}

@Module({})
export class ExecutionEngineModule {
  static register(deps: ExecutionEngineDeps): DynamicModule {
    return {
      module: ExecutionEngineModule,
      imports: [
        InfrastructureModule.register(deps),
        SystemModule,
        PipelineModule,
        ReadsModule,
        CancellationModule,
        GasModule,
      ],
      controllers: [HealthController],
    };
  }
}
