import { Inject, Injectable } from '@nestjs/common';
import { type Principal, problems } from '@keel/operations';
import { ApiKeyRepository } from '../../api-key.repository';
import { generateApiKey, hashSecret } from '../../api-key-secret';
import type { SecretBox } from '../../../crypto/secret-box';
import { sealIngressSigningKey } from '../../../ingress/ingress-signing-key';
import { SECRET_BOX } from '../../../tokens';
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
  constructor(
    private readonly keys: ApiKeyRepository,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
  ) {}

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
      // The only moment the secret is known: derive and seal the Kafka ingress signing key.
      ingressKeySealed: sealIngressSigningKey(this.box, generated.id, generated.secret),
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
      ingressKeySealed: sealIngressSigningKey(this.box, id, secret),
      scope: 'read-write',
      roles: ['admin'],
      assets: [],
      createdBy: null,
    });
  }
}
