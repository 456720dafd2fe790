import { Injectable } from '@nestjs/common';
import type { Principal } from '@keel/operations';
import { AuthenticateApiKeyUseCase } from '../api-keys/usecases/authenticate-api-key/authenticate-api-key.usecase';
import { principalOfUser } from './principal-of-user';
import { sessionProblems } from './session-problems';
import { SessionRepository } from './session.repository';
import { isToken, tokenHash } from './session-tokens';

/** What a caller presented: an API key (`X-Api-Key`) or a session access token (`Authorization: Bearer`). */
export interface PresentedCredentials {
  readonly apiKey?: string | undefined;
  readonly bearer?: string | undefined;
}

/**
 * Turns presented credentials into the caller's principal: an API key, or a
 * live session of an enabled user. Every failure is a 401.
 */
@Injectable()
export class AuthenticatePrincipalUseCase {
  constructor(
    private readonly apiKeys: AuthenticateApiKeyUseCase,
    private readonly sessions: SessionRepository,
  ) {}

  async execute(presented: PresentedCredentials): Promise<Principal> {
    const { apiKey, bearer } = presented;
    if (apiKey && bearer) {
      throw sessionProblems.unauthenticated(
        'Both X-Api-Key and Authorization: Bearer were sent; send one credential.',
      );
    }
    if (bearer !== undefined && bearer !== '') return this.session(bearer);
    if (!apiKey) {
      throw sessionProblems.unauthenticated(
        'No credentials were sent (X-Api-Key or Authorization: Bearer).',
      );
    }
    return this.apiKeys.execute(apiKey);
  }

  private async session(bearer: string): Promise<Principal> {
    if (!isToken(bearer, 'access'))
      throw sessionProblems.unauthenticated('The bearer value is not a Keel access token.');
    const found = await this.sessions.findByAccessHash(tokenHash(bearer));
    if (!found || found.revoked || found.user.disabledAt) {
      throw sessionProblems.unauthenticated(
        'The session is unknown, was ended, or its user is disabled.',
      );
    }
    if (found.expired) throw sessionProblems.expired();
    return principalOfUser(found.user);
  }
}
