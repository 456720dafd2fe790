import { Injectable } from '@nestjs/common';
import type { Principal } from '@keel/operations';
import type { Credentials } from '../../access/api-key.header';
import { RequestControlsRepository } from '../../access/request-controls.repository';

/**
 * Who is acting on approvals and policies: the principal request controls
 * authenticates (an API key or a user session); its `subjectId`
 * (`apikey:<id>` / `user:<id>`) is what a policy names as an approver.
 */
@Injectable()
export class AuthenticateApprover {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  reader(credentials: Credentials): Promise<Principal> {
    return this.requestControls.authenticate(credentials);
  }

  /**
   * A decision is a write that may release a signature: a user session must
   * also present valid wallet verification evidence (PIN, TOTP, backup code);
   * an API key passes, as for operations.
   */
  async decider(credentials: Credentials, walletVerification: unknown): Promise<Principal> {
    return (await this.requestControls.checkWalletVerification(credentials, walletVerification))
      .principal;
  }
}
