import { Injectable } from '@nestjs/common';
import { type Principal, problems } from '@keel/operations';
import { ApiKeyRepository } from '../../api-key.repository';
import { generateApiKey, hashSecret } from '../../api-key-secret';
import type { CreateApiKeyCommand } from './create-api-key.command';

export interface CreatedApiKey {
  readonly id: string;
  /** The full key: returned once, never stored. */
  readonly key: string;
  readonly name: string;
  readonly organizationId: string;
  readonly scope: string;
  readonly roles: string[];
  readonly assets: string[];
  readonly createdAt: string;
}

/** An admin key creates keys for its own organization. */
@Injectable()
export class CreateApiKeyUseCase {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(admin: Principal, command: CreateApiKeyCommand): Promise<CreatedApiKey> {
    if (!admin.roles.includes('admin') || admin.scope !== 'read-write') {
      throw problems.forbidden('Managing API keys requires a read-write key with the admin role.', {
        requiredRole: 'admin',
      });
    }
    const generated = generateApiKey();
    const record = await this.keys.insert({
      id: generated.id,
      organizationId: admin.organizationId,
      name: command.name,
      secretHash: hashSecret(generated.secret),
      scope: command.scope,
      roles: command.roles,
      assets: command.assets,
      createdBy: admin.subjectId,
    });
    return {
      id: record.id,
      key: generated.key,
      name: record.name,
      organizationId: record.organizationId,
      scope: record.scope,
      roles: record.roles,
      assets: record.assets,
      createdAt: record.createdAt.toISOString(),
    };
  }

  /** Installs the configured bootstrap admin key (idempotent). */
  async installBootstrapKey(organizationId: string, id: string, secret: string): Promise<void> {
    await this.keys.insert({
      id,
      organizationId,
      name: 'bootstrap admin',
      secretHash: hashSecret(secret),
      scope: 'read-write',
      roles: ['admin'],
      assets: [],
      createdBy: null,
    });
  }
}
