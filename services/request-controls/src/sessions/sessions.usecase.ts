import { Inject, Injectable } from '@nestjs/common';
import type { PlatformRole } from '@keel/operations';
import { v7 as uuidv7 } from 'uuid';
import type { RequestControlsConfig } from '../config';
import { PasswordHasher } from '../crypto/password-hasher';
import { CONFIG } from '../tokens';
import { UserRepository } from '../users/user.repository';
import { LoginThrottleRepository } from './login-throttle.repository';
import { sessionProblems } from './session-problems';
import { type IssuedSession, SessionRepository } from './session.repository';
import { isToken, newToken, tokenHash } from './session-tokens';

export interface SessionTokens {
  readonly tokenType: 'Bearer';
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly expiresAt: string;
  readonly refreshToken: string;
  readonly refreshExpiresAt: string;
  readonly user: { id: string; organizationId: string; email: string; roles: PlatformRole[] };
}

/** Password login, refresh with rotation, logout. Tokens are returned once and stored hashed. */
@Injectable()
export class SessionsUseCase {
  constructor(
    @Inject(CONFIG) private readonly config: RequestControlsConfig,
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottleRepository,
  ) {}

  async login(command: {
    organization: string;
    email: string;
    password: string;
  }): Promise<SessionTokens> {
    // Counted before the password is checked, for unknown emails too (no hint of which exist).
    const attempt = await this.throttle.reserve(
      command.organization,
      command.email,
      this.config.loginMaxAttempts,
      this.config.loginLockoutSeconds,
    );
    if (!attempt.admitted) throw sessionProblems.loginLocked(attempt.lockedUntil);
    const user = await this.users.findByEmail(command.organization, command.email);
    // An unknown user costs one scrypt too: the answer time does not tell which users exist.
    const ok = await this.hasher.verify(command.password, user?.passwordHash);
    if (!user || !ok || user.disabledAt) throw sessionProblems.loginFailed();
    await this.throttle.succeeded(command.organization, command.email);
    const access = newToken('access');
    const refresh = newToken('refresh');
    const issued = await this.sessions.insert({
      id: uuidv7(),
      organizationId: user.organizationId,
      userId: user.id,
      accessHash: tokenHash(access),
      accessTtlSeconds: this.config.sessionAccessTtlSeconds,
      refreshHash: tokenHash(refresh),
      refreshTtlSeconds: this.config.sessionRefreshTtlSeconds,
    });
    return this.tokens(issued, access, refresh, user);
  }

  async refresh(refreshToken: string): Promise<SessionTokens> {
    if (!isToken(refreshToken, 'refresh')) throw sessionProblems.refreshFailed();
    const access = newToken('access');
    const refresh = newToken('refresh');
    const issued = await this.sessions.rotate(tokenHash(refreshToken), {
      accessHash: tokenHash(access),
      accessTtlSeconds: this.config.sessionAccessTtlSeconds,
      refreshHash: tokenHash(refresh),
      refreshTtlSeconds: this.config.sessionRefreshTtlSeconds,
    });
    if (!issued) throw sessionProblems.refreshFailed();
    const user = await this.users.findById(issued.organizationId, issued.userId);
    if (!user) throw sessionProblems.refreshFailed();
    return this.tokens(issued, access, refresh, user);
  }

  /** Ends the session of this access token (its refresh token stops working too). */
  async logout(bearer: string | undefined): Promise<void> {
    if (
      !bearer ||
      !isToken(bearer, 'access') ||
      !(await this.sessions.revokeByAccessHash(tokenHash(bearer)))
    ) {
      throw sessionProblems.unauthenticated('No live session has this bearer token.');
    }
  }

  private tokens(
    issued: IssuedSession,
    accessToken: string,
    refreshToken: string,
    user: { id: string; organizationId: string; email: string; roles: PlatformRole[] },
  ): SessionTokens {
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: Math.max(0, Math.round((issued.accessExpiresAt.getTime() - Date.now()) / 1000)),
      expiresAt: issued.accessExpiresAt.toISOString(),
      refreshToken,
      refreshExpiresAt: issued.refreshExpiresAt.toISOString(),
      user: {
        id: user.id,
        organizationId: user.organizationId,
        email: user.email,
        roles: user.roles,
      },
    };
  }
}
