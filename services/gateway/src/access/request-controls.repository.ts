import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { OperationRequest, ParsedOperation, Principal } from '@keel/operations';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

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

  authenticate(apiKey: string | undefined): Promise<Principal> {
    return callService(this.config.requestControlsUrl, '/internal/v1/authenticate', {
      method: 'POST',
      body: { apiKey },
    });
  }

  admit(
    apiKey: string | undefined,
    idempotencyKey: string,
    request: OperationRequest,
  ): Promise<Admission> {
    return callService(this.config.requestControlsUrl, '/internal/v1/admissions', {
      method: 'POST',
      body: { apiKey, idempotencyKey, request },
    });
  }

  createApiKey(apiKey: string | undefined, key: unknown): Promise<Record<string, unknown>> {
    return callService(this.config.requestControlsUrl, '/internal/v1/api-keys', {
      method: 'POST',
      body: { apiKey, key },
    });
  }

  listApiKeys(apiKey: string | undefined): Promise<{ items: unknown[] }> {
    return callService(this.config.requestControlsUrl, '/internal/v1/api-keys/list', {
      method: 'POST',
      body: { apiKey },
    });
  }

  revokeApiKey(apiKey: string | undefined, id: string): Promise<Record<string, unknown>> {
    return callService(
      this.config.requestControlsUrl,
      `/internal/v1/api-keys/${encodeURIComponent(id)}/revoke`,
      { method: 'POST', body: { apiKey } },
    );
  }
}
