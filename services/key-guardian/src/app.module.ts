import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { HealthController } from './health/health.controller';
import { SigningRequestRepository } from './keystore/signing-request.repository';
import type { CustodyPolicy } from './policy/custody-policy';
import type { UnifiedSigner } from './signer/unified-signer';
import { KeySignRequestedHandler } from './signing/handlers/key-sign-requested.handler';
import { SignTransactionUseCase } from './signing/usecases/sign-transaction/sign-transaction.usecase';
import { DATA_SOURCE, LOGGER, SIGN_TRANSACTION, UNIFIED_SIGNER } from './tokens';
import { WalletsController } from './wallets/wallets.controller';

export interface KeyGuardianModuleDeps {
  readonly dataSource: DataSource;
  readonly signer: UnifiedSigner;
  readonly policy: CustodyPolicy;
  readonly logger: Logger;
}

@Module({})
export class KeyGuardianModule {
  static register(deps: KeyGuardianModuleDeps): DynamicModule {
    return {
      module: KeyGuardianModule,
      controllers: [HealthController, WalletsController, KeySignRequestedHandler],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: UNIFIED_SIGNER, useValue: deps.signer },
        { provide: LOGGER, useValue: deps.logger },
        {
          provide: SIGN_TRANSACTION,
          useValue: new SignTransactionUseCase(
            deps.signer,
            deps.policy,
            new SigningRequestRepository(),
            deps.logger,
          ),
        },
      ],
    };
  }
}
