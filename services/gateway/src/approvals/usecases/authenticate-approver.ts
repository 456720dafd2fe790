import { Injectable } from '@nestjs/common';
import type { Principal } from '@keel/operations';
import { RequestControlsRepository } from '../../access/request-controls.repository';

/** What the caller presented; request controls decides who it is. */
export interface PresentedCredentials {
  readonly apiKey: string | undefined;
  readonly walletVerification?: unknown;
}

/**
 * Who is acting on approvals: the principal request controls authenticates
 * (its `subjectId`, `apikey:<id>` or `user:<id>`, is what a policy names).
 */
@Injectable()
export class AuthenticateApprover {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  reader(credentials: PresentedCredentials): Promise<Principal> {
    return this.requestControls.authenticate(credentials.apiKey);
  }

  /** A decision is a write: sessions will also present wallet verification evidence here. */
  decider(credentials: PresentedCredentials): Promise<Principal> {
    return this.requestControls.authenticate(credentials.apiKey);
  }
}
