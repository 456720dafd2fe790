import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityModule } from './identity.module';
import { ManageUsersUseCase } from './manage-users.usecase';
import { UsersController } from './users.controller';

@Module({
  imports: [IdentityModule, ApiKeysModule],
  controllers: [UsersController],
  providers: [ManageUsersUseCase],
})
export class UsersModule {}
