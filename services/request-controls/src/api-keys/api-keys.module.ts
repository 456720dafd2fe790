import { Module } from '@nestjs/common';
import { AuthenticatePrincipalUseCase } from '../sessions/authenticate-principal.usecase';
import { IdentityModule } from '../users/identity.module';
import { ApiKeyRepository } from './api-key.repository';
import { ApiKeysController } from './api-keys.controller';
import { AuthenticateApiKeyUseCase } from './usecases/authenticate-api-key/authenticate-api-key.usecase';
import { CreateApiKeyUseCase } from './usecases/create-api-key/create-api-key.usecase';
import { RevokeApiKeyUseCase } from './usecases/revoke-api-key/revoke-api-key.usecase';

@Module({
  imports: [IdentityModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeyRepository,
    AuthenticateApiKeyUseCase,
    CreateApiKeyUseCase,
    RevokeApiKeyUseCase,
    AuthenticatePrincipalUseCase,
  ],
  exports: [AuthenticateApiKeyUseCase, AuthenticatePrincipalUseCase, CreateApiKeyUseCase],
})
export class ApiKeysModule {}
