import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EventBus } from '@keel/bus';
import { HealthController } from '@keel/http-problem';
import type { Logger } from '@keel/telemetry';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { ComplianceModule } from './compliance/compliance.module';
import { GasModule } from './gas/gas.module';
import type { GatewayConfig } from './config';
import { OperationsModule } from './operations/operations.module';
import { ReadsModule } from './reads/reads.module';
import { SessionsModule } from './sessions/sessions.module';
import { SystemModule } from './system/system.module';
import { CONFIG, EVENT_BUS, LOGGER } from './tokens';

export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly bus: EventBus;
  readonly logger: Logger;
}

@Global()
@Module({})
class InfrastructureModule {
  static register(deps: GatewayDeps): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: EVENT_BUS, useValue: deps.bus },
        { provide: LOGGER, useValue: deps.logger },
      ],
      exports: [CONFIG, EVENT_BUS, LOGGER],
    };
  }
}

@Module({})
export class GatewayModule {
  static register(deps: GatewayDeps): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        InfrastructureModule.register(deps),
        OperationsModule,
        ComplianceModule,
        ApiKeysModule,
        ApprovalsModule,
        ReadsModule,
        SessionsModule,
        SystemModule,
        GasModule,
      ],
      controllers: [HealthController],
    };
  }
}
