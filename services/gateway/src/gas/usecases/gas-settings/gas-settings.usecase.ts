import { Injectable } from '@nestjs/common';
import {
  type GasSettingsView,
  gasSettingsRequestSchema,
  problems,
  validateOrThrow,
} from '@keel/operations';
import type { Credentials } from '../../../access/api-key.header';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { GasSettingsRepository } from '../../gas-settings.repository';

/**
 * The organization's gas wallet and automatic top-up: read by any caller of the
 * organization, replaced by an `admin` or `gas-manager` with a read-write credential.
 */
@Injectable()
export class GasSettingsUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly settings: GasSettingsRepository,
  ) {}

  async get(credentials: Credentials): Promise<GasSettingsView> {
    const principal = await this.requestControls.authenticate(credentials);
    return this.settings.get(principal.organizationId);
  }

  async put(credentials: Credentials, body: unknown): Promise<GasSettingsView> {
    const principal = await this.requestControls.authenticate(credentials);
    if (
      principal.scope !== 'read-write' ||
      !(principal.roles.includes('admin') || principal.roles.includes('gas-manager'))
    )
      throw problems.forbidden('Gas settings are managed by admins and gas managers.', {
        requiredRole: 'gas-manager',
      });
    return this.settings.put(
      principal.organizationId,
      validateOrThrow(gasSettingsRequestSchema, body ?? {}, 'body'),
    );
  }
}
