import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { EventBus } from '@keel/bus';
import { HealthController } from '@keel/http-problem';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { AdmissionsModule } from './admissions/admissions.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { SessionsModule } from './sessions/sessions.module';
import { UsersModule } from './users/users.module';
import { WalletVerificationModule } from './wallet-verification/wallet-verification.module';
import type { RequestControlsConfig } from './config';
import { SecretBox } from './crypto/secret-box';
import { IngressModule } from './ingress/ingress.module';
import { CONFIG, DATA_SOURCE, EVENT_BUS, LOGGER, SECRET_BOX } from './tokens';

export interface RequestControlsDeps {
  readonly config: RequestControlsConfig;
  readonly dataSource: DataSource;
  readonly bus: EventBus;
  readonly logger: Logger;
}

@Global()
@Module({})
class InfrastructureModule {
  static register(deps: RequestControlsDeps): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: EVENT_BUS, useValue: deps.bus },
        { provide: LOGGER, useValue: deps.logger },
        {
          provide: SECRET_BOX,
          useValue: deps.config.encryptionKey ? new SecretBox(deps.config.encryptionKey) : null,
        },
      ],
      exports: [CONFIG, DATA_SOURCE, EVENT_BUS, LOGGER, SECRET_BOX],
    };
  }
}

@Module({})
export class RequestControlsModule {
  static register(deps: RequestControlsDeps): DynamicModule {
    return {
      module: RequestControlsModule,
      imports: [
        InfrastructureModule.register(deps),
        ApiKeysModule,
        AdmissionsModule,
        IngressModule,
        SessionsModule,
        UsersModule,
        WalletVerificationModule,
      ],
      controllers: [HealthController],
    };
  }
}
