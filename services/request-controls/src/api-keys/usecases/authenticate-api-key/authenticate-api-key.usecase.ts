import { Injectable } from '@nestjs/common';
import { type Principal, problems } from '@keel/operations';
import { ApiKeyRepository } from '../../api-key.repository';
import { parseApiKey, secretMatches } from '../../api-key-secret';

/**
 * Turns a presented `X-Api-Key` into the caller's principal. Every failure is
 * the same 401 to the caller (no hint whether the id exists).
 */
@Injectable()
export class AuthenticateApiKeyUseCase {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(presented: string | undefined): Promise<Principal> {
    if (!presented) throw problems.unauthenticated('No X-Api-Key header was sent.');
    const parsed = parseApiKey(presented);
    if (!parsed) throw problems.unauthenticated('The X-Api-Key value is not a Keel API key.');
    const key = await this.keys.findById(parsed.id);
    if (!key || !secretMatches(parsed.secret, key.secretHash)) {
      throw problems.unauthenticated('The API key is unknown or its secret does not match.');
    }
    if (key.revokedAt) throw problems.unauthenticated('The API key has been revoked.');
    return {
      kind: 'api-key',
      organizationId: key.organizationId,
      subjectId: `apikey:${key.id}`,
      apiKeyId: key.id,
      scope: key.scope,
      roles: key.roles,
      assets: key.assets,
    };
  }

  /** The principal of a key id (for events, which never carry the secret); null if revoked or unknown. */
  async principalOf(apiKeyId: string): Promise<Principal | null> {
    const key = await this.keys.findById(apiKeyId);
    if (!key || key.revokedAt) return null;
    return {
      kind: 'api-key',
      organizationId: key.organizationId,
      subjectId: `apikey:${key.id}`,
      apiKeyId: key.id,
      scope: key.scope,
      roles: key.roles,
      assets: key.assets,
    };
  }
}
