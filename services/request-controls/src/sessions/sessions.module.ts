import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityModule } from '../users/identity.module';
import { LoginThrottleRepository } from './login-throttle.repository';
import { SessionsController } from './sessions.controller';
import { SessionsUseCase } from './sessions.usecase';

@Module({
  imports: [IdentityModule, ApiKeysModule],
  controllers: [SessionsController],
  providers: [SessionsUseCase, LoginThrottleRepository],
})
export class SessionsModule {}
