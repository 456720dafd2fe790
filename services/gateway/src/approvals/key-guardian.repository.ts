import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** The only code calling key-guardian's internal API (signer wallets, custodian policies, approvals). */
@Injectable()
export class KeyGuardianRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  private path(p: string, query: Record<string, string | undefined> = {}): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, v);
    const s = q.toString();
    return s ? `${p}?${s}` : p;
  }

  createWallet(organizationId: string, label?: string): Promise<Record<string, unknown>> {
    return callService(this.config.keyGuardianUrl, '/internal/v1/wallets', {
      method: 'POST',
      body: { organizationId, ...(label ? { label } : {}) },
    });
  }

  listWallets(organizationId: string): Promise<Record<string, unknown>[]> {
    return callService(
      this.config.keyGuardianUrl,
      this.path('/internal/v1/wallets', { organizationId }),
    );
  }

  putPolicy(
    organizationId: string,
    wallet: string,
    updatedBy: string,
    policy: unknown,
  ): Promise<Record<string, unknown>> {
    return callService(
      this.config.keyGuardianUrl,
      `/internal/v1/wallets/${encodeURIComponent(wallet)}/policy`,
      { method: 'PUT', body: { organizationId, updatedBy, policy } },
    );
  }

  getPolicy(organizationId: string, wallet: string): Promise<Record<string, unknown>> {
    return callService(
      this.config.keyGuardianUrl,
      this.path(`/internal/v1/wallets/${encodeURIComponent(wallet)}/policy`, { organizationId }),
    );
  }

  listApprovals(
    organizationId: string,
    subjectId: string,
    status?: string,
    limit?: string,
  ): Promise<{ items: Record<string, unknown>[] }> {
    return callService(
      this.config.keyGuardianUrl,
      this.path('/internal/v1/approvals', { organizationId, subjectId, status, limit }),
    );
  }

  getApproval(
    organizationId: string,
    subjectId: string,
    id: string,
  ): Promise<Record<string, unknown>> {
    return callService(
      this.config.keyGuardianUrl,
      this.path(`/internal/v1/approvals/${encodeURIComponent(id)}`, { organizationId, subjectId }),
    );
  }

  decide(
    organizationId: string,
    subjectId: string,
    id: string,
    decision: unknown,
    comment: unknown,
  ): Promise<{ recorded: boolean } & Record<string, unknown>> {
    return callService(
      this.config.keyGuardianUrl,
      `/internal/v1/approvals/${encodeURIComponent(id)}/decisions`,
      { method: 'POST', body: { organizationId, subjectId, decision, comment } },
    );
  }
}
