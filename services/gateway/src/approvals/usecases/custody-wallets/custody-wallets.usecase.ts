import { Injectable } from '@nestjs/common';
import { type Principal, problems, validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import type { Credentials } from '../../../access/api-key.header';
import { KeyGuardianRepository } from '../../key-guardian.repository';
import { AuthenticateApprover } from '../authenticate-approver';

const createWalletBody = z.strictObject({
  label: z.string().trim().min(1).max(200).optional(),
});

/**
 * The organization's custodied signer wallets (key-guardian). Creating one is an
 * admin act; any key of the organization may list them. Only addresses and
 * labels ever leave key-guardian.
 */
@Injectable()
export class CustodyWalletsUseCase {
  constructor(
    private readonly auth: AuthenticateApprover,
    private readonly keyGuardian: KeyGuardianRepository,
  ) {}

  async create(credentials: Credentials, body: unknown) {
    const principal: Principal = await this.auth.reader(credentials);
    if (!principal.roles.includes('admin') || principal.scope !== 'read-write')
      throw problems.forbidden('Signer wallets are created by organization admins.', {
        requiredRole: 'admin',
      });
    const { label } = validateOrThrow(createWalletBody, body ?? {}, 'wallet');
    return this.keyGuardian.createWallet(principal.organizationId, label);
  }

  async list(credentials: Credentials) {
    const principal = await this.auth.reader(credentials);
    return { items: await this.keyGuardian.listWallets(principal.organizationId) };
  }
}
