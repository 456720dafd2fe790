import { Module } from '@nestjs/common';
import { PasswordHasher } from '../crypto/password-hasher';
import { SessionRepository } from '../sessions/session.repository';
import { UserRepository } from './user.repository';

/** Users and sessions storage, and password hashing (no controllers). */
@Module({
  providers: [
    UserRepository,
    SessionRepository,
    {
      provide: PasswordHasher,
      useFactory: async () => {
        const hasher = new PasswordHasher();
        await hasher.warmUp();
        return hasher;
      },
    },
  ],
  exports: [UserRepository, SessionRepository, PasswordHasher],
})
export class IdentityModule {}
