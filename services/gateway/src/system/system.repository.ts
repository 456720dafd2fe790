import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** One chain's system layer of the organization, as the execution engine recorded it. */
export interface SystemDeploymentView {
  readonly organizationId: string;
  readonly chainId: number;
  readonly status: 'deployed';
  readonly operationId: string;
  readonly addresses: Record<string, unknown>;
  readonly updatedAt: string;
}

/** Reads the recorded system layer from the execution engine's internal API. */
@Injectable()
export class SystemRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  list(organizationId: string): Promise<{ items: SystemDeploymentView[] }> {
    const q = new URLSearchParams({ organizationId });
    return callService(this.config.executionEngineUrl, `/internal/v1/system?${q.toString()}`);
  }
}
