import { Injectable } from '@nestjs/common';
import { type Principal, problems } from '@keel/operations';
import { ApiKeyRepository } from '../../api-key.repository';

@Injectable()
export class RevokeApiKeyUseCase {
  constructor(private readonly keys: ApiKeyRepository) {}

  async execute(admin: Principal, keyId: string): Promise<{ id: string; revoked: true }> {
    if (!admin.roles.includes('admin') || admin.scope !== 'read-write') {
      throw problems.forbidden('Managing API keys requires a read-write key with the admin role.', {
        requiredRole: 'admin',
      });
    }
    if (!(await this.keys.revoke(admin.organizationId, keyId)))
      throw problems.notFound('API key', keyId);
    return { id: keyId, revoked: true };
  }
}
