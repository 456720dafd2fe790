import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { OperationRequest, ParsedOperation, Principal } from '@keel/operations';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';
import type { Credentials } from './api-key.header';

/**
 * Credentials as controllers hold them: the `@PresentedCredentials()` object
 * (a bare string is an API key, for callers that only have one).
 */
export type Presented = Credentials | string | undefined;

/** The credential fields of an internal request body. */
export function credentialsBody(presented: Presented): Credentials {
  if (presented === undefined) return {};
  if (typeof presented === 'string') return { apiKey: presented };
  return {
    ...(presented.apiKey !== undefined ? { apiKey: presented.apiKey } : {}),
    ...(presented.bearer !== undefined ? { bearer: presented.bearer } : {}),
  };
}

export interface Admission {
  readonly operationId: string;
  readonly created: boolean;
  readonly principal: Principal;
  readonly operation: ParsedOperation;
  readonly signer?: string;
}

/** The only code talking to request controls (its internal HTTP API). */
@Injectable()
export class RequestControlsRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  authenticate(presented: Presented): Promise<Principal> {
    return callService(this.config.requestControlsUrl, '/internal/v1/authenticate', {
      method: 'POST',
      body: credentialsBody(presented),
    });
  }

  admit(
    presented: Presented,
    idempotencyKey: string,
    request: OperationRequest,
  ): Promise<Admission> {
    return callService(this.config.requestControlsUrl, '/internal/v1/admissions', {
      method: 'POST',
      body: { ...credentialsBody(presented), idempotencyKey, request },
    });
  }

  createApiKey(presented: Presented, key: unknown): Promise<Record<string, unknown>> {
    return callService(this.config.requestControlsUrl, '/internal/v1/api-keys', {
      method: 'POST',
      body: { ...credentialsBody(presented), key },
    });
  }

  listApiKeys(presented: Presented): Promise<{ items: unknown[] }> {
    return callService(this.config.requestControlsUrl, '/internal/v1/api-keys/list', {
      method: 'POST',
      body: credentialsBody(presented),
    });
  }

  revokeApiKey(presented: Presented, id: string): Promise<Record<string, unknown>> {
    return callService(
      this.config.requestControlsUrl,
      `/internal/v1/api-keys/${encodeURIComponent(id)}/revoke`,
      { method: 'POST', body: credentialsBody(presented) },
    );
  }
  private post<T>(path: string, body: unknown): Promise<T> {
    return callService(this.config.requestControlsUrl, path, { method: 'POST', body });
  }

  /** Password login: a bearer access token and a refresh token (shown once). */
  login(body: unknown): Promise<Record<string, unknown>> {
    return this.post('/internal/v1/sessions', body ?? null);
  }

  refreshSession(body: unknown): Promise<Record<string, unknown>> {
    return this.post('/internal/v1/sessions/refresh', body ?? null);
  }

  logout(presented: Presented): Promise<Record<string, unknown>> {
    return this.post('/internal/v1/sessions/revoke', credentialsBody(presented));
  }

  currentSession(presented: Presented): Promise<Principal> {
    return this.post('/internal/v1/sessions/current', credentialsBody(presented));
  }

  createUser(presented: Presented, user: unknown): Promise<Record<string, unknown>> {
    return this.post('/internal/v1/users', { ...credentialsBody(presented), user: user ?? null });
  }

  listUsers(presented: Presented): Promise<{ items: unknown[] }> {
    return this.post('/internal/v1/users/list', credentialsBody(presented));
  }

  getUser(presented: Presented, id: string): Promise<Record<string, unknown>> {
    return this.post(
      `/internal/v1/users/${encodeURIComponent(id)}/get`,
      credentialsBody(presented),
    );
  }

  updateUser(presented: Presented, id: string, changes: unknown): Promise<Record<string, unknown>> {
    return this.post(`/internal/v1/users/${encodeURIComponent(id)}/update`, {
      ...credentialsBody(presented),
      user: changes ?? null,
    });
  }

  deleteUser(presented: Presented, id: string): Promise<Record<string, unknown>> {
    return this.post(
      `/internal/v1/users/${encodeURIComponent(id)}/delete`,
      credentialsBody(presented),
    );
  }

  /**
   * The caller's wallet-verification setup: `action` is status, pin, totp,
   * totp/confirm, backup-codes or remove; `body` is the client's request body.
   */
  walletVerification(
    presented: Presented,
    action: 'status' | 'pin' | 'totp' | 'totp/confirm' | 'backup-codes' | 'remove',
    body: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    // Credentials come from the headers only, never from the body.
    const { apiKey: _apiKey, bearer: _bearer, ...rest } = body;
    return this.post(`/internal/v1/me/wallet-verification/${action}`, {
      ...rest,
      ...credentialsBody(presented),
    });
  }

  /**
   * The principal, when it may write: an API key passes; a session needs valid
   * wallet verification evidence (same attempt limits as operations). Throws the problem otherwise.
   */
  checkWalletVerification(
    presented: Presented,
    walletVerification: unknown,
  ): Promise<{ principal: Principal }> {
    return this.post('/internal/v1/wallet-verification/check', {
      ...credentialsBody(presented),
      ...(walletVerification !== undefined ? { walletVerification } : {}),
    });
  }
}
