import { Module } from '@nestjs/common';
import { PasswordHasher } from '../crypto/password-hasher';
import { SessionRepository } from '../sessions/session.repository';
import { UserRepository } from './user.repository';

/** Users and sessions storage, and password hashing (no controllers). */
@Module({
  providers: [
    UserRepository,
    SessionRepository,
    { provide: PasswordHasher, useValue: new PasswordHasher() },
  ],
  exports: [UserRepository, SessionRepository, PasswordHasher],
})
export class IdentityModule {}
