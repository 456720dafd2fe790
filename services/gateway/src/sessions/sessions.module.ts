import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { MeController } from '../me/me.controller';
import { UsersController } from '../users/users.controller';
import { SessionsController } from './sessions.controller';

/** Users, their sessions and their wallet verification (all served by request controls). */
@Module({
  imports: [AccessModule],
  controllers: [SessionsController, UsersController, MeController],
})
export class SessionsModule {}
