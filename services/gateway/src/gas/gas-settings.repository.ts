import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { GasSettingsRequest, GasSettingsView } from '@keel/operations';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** The organization's gas settings, kept by the execution engine (internal API). */
@Injectable()
export class GasSettingsRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  private path(organizationId: string): string {
    return `/internal/v1/gas-settings?${new URLSearchParams({ organizationId }).toString()}`;
  }

  get(organizationId: string): Promise<GasSettingsView> {
    return callService(this.config.executionEngineUrl, this.path(organizationId));
  }

  put(organizationId: string, settings: GasSettingsRequest): Promise<GasSettingsView> {
    return callService(this.config.executionEngineUrl, this.path(organizationId), {
      method: 'PUT',
      body: settings,
    });
  }
}
