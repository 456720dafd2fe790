import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EventBus } from '@keel/bus';
import { HealthController } from '@keel/http-problem';
import type { Logger } from '@keel/telemetry';
import type { PublicClient } from 'viem';
import type { ComplianceSimulatorConfig } from './config';
import { SimulationModule } from './simulation/simulation.module';
import { CHAIN_CLIENT, CONFIG, EVENT_BUS, LOGGER } from './tokens';

export interface ComplianceSimulatorDeps {
  readonly config: ComplianceSimulatorConfig;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly client: PublicClient;
}

@Global()
@Module({})
class InfrastructureModule {
  static register(deps: ComplianceSimulatorDeps): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: EVENT_BUS, useValue: deps.bus },
        { provide: LOGGER, useValue: deps.logger },
        { provide: CHAIN_CLIENT, useValue: deps.client },
      ],
      exports: [CONFIG, EVENT_BUS, LOGGER, CHAIN_CLIENT],
    };
  }
}

@Module({})
export class ComplianceSimulatorModule {
  static register(deps: ComplianceSimulatorDeps): DynamicModule {
    return {
      module: ComplianceSimulatorModule,
      imports: [InfrastructureModule.register(deps), SimulationModule],
      controllers: [HealthController],
    };
  }
}
