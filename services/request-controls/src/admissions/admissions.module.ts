import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityModule } from '../users/identity.module';
import { WalletVerificationModule } from '../wallet-verification/wallet-verification.module';
import { AdmissionsController } from './admissions.controller';
import { OperationSubmittedHandler } from './handlers/operation-submitted.handler';
import { IdempotencyRepository } from './idempotency.repository';
import { AdmitOperationUseCase } from './usecases/admit-operation/admit-operation.usecase';
import { AuthorizeSubmittedOperationUseCase } from './usecases/authorize-submitted-operation/authorize-submitted-operation.usecase';

@Module({
  imports: [ApiKeysModule, IdentityModule, WalletVerificationModule],
  controllers: [AdmissionsController, OperationSubmittedHandler],
  providers: [IdempotencyRepository, AdmitOperationUseCase, AuthorizeSubmittedOperationUseCase],
  exports: [AdmitOperationUseCase],
})
export class AdmissionsModule {}
