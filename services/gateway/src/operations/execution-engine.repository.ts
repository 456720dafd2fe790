import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { OperationList, OperationListQuery, OperationView } from '@keel/operations';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** The only code reading the operation journal (execution engine's internal HTTP API). */
@Injectable()
export class ExecutionEngineRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  get(organizationId: string, id: string): Promise<OperationView> {
    const q = new URLSearchParams({ organizationId });
    return callService(
      this.config.executionEngineUrl,
      `/internal/v1/operations/${encodeURIComponent(id)}?${q.toString()}`,
    );
  }

  /** Cancels an operation that has not been signed yet (409 from the engine otherwise). */
  cancel(organizationId: string, id: string, requestedBy: string): Promise<OperationView> {
    return callService(
      this.config.executionEngineUrl,
      `/internal/v1/operations/${encodeURIComponent(id)}/cancel`,
      { method: 'POST', body: { organizationId, requestedBy } },
    );
  }

  list(organizationId: string, query: OperationListQuery): Promise<OperationList> {
    const q = new URLSearchParams({ organizationId, limit: String(query.limit) });
    for (const k of ['status', 'type', 'signer', 'cursor'] as const) {
      const v = query[k];
      if (v !== undefined) q.set(k, v);
    }
    return callService(this.config.executionEngineUrl, `/internal/v1/operations?${q.toString()}`);
  }
}
