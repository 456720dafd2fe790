import { Injectable } from '@nestjs/common';
import { type Principal, problems } from '@keel/operations';
import type { Credentials } from '../../../access/api-key.header';
import { AuthenticateApprover } from '../authenticate-approver';
import { KeyGuardianRepository } from '../../key-guardian.repository';

/** A wallet's custodian policy: set and read by an organization admin. */
@Injectable()
export class WalletPolicyUseCase {
  constructor(
    private readonly auth: AuthenticateApprover,
    private readonly keyGuardian: KeyGuardianRepository,
  ) {}

  private async admin(credentials: Credentials): Promise<Principal> {
    const principal = await this.auth.reader(credentials);
    if (!principal.roles.includes('admin'))
      throw problems.forbidden('Custodian policies are managed by organization admins.', {
        requiredRole: 'admin',
      });
    return principal;
  }

  async put(credentials: Credentials, wallet: string, body: unknown) {
    const principal = await this.admin(credentials);
    // The body is the policy document; key-guardian validates it (422 listing every issue).
    return this.keyGuardian.putPolicy(
      principal.organizationId,
      wallet,
      principal.subjectId,
      body ?? null,
    );
  }

  async get(credentials: Credentials, wallet: string) {
    const principal = await this.admin(credentials);
    return this.keyGuardian.getPolicy(principal.organizationId, wallet);
  }
}
