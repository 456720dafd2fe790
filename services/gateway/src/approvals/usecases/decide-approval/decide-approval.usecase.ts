import { Injectable } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import type { Credentials } from '../../../access/api-key.header';
import { KeyGuardianRepository } from '../../key-guardian.repository';
import { AuthenticateApprover } from '../authenticate-approver';

const decisionBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(1000).optional(),
    /** Evidence a user session presents for a write (PIN, TOTP, backup code), checked by request controls; API keys skip it. */
    walletVerification: z.unknown().optional(),
  })
  .strict();

/**
 * An approver's decision. The first decision of an approver stands: a repeat
 * answers 200 with the recorded decision (`recorded: false`), a new one 201.
 */
@Injectable()
export class DecideApprovalUseCase {
  constructor(
    private readonly auth: AuthenticateApprover,
    private readonly keyGuardian: KeyGuardianRepository,
  ) {}

  async execute(credentials: Credentials, id: string, body: unknown) {
    const b = validateOrThrow(decisionBody, body ?? null, 'decision');
    const principal = await this.auth.decider(credentials, b.walletVerification);
    return this.keyGuardian.decide(
      principal.organizationId,
      principal.subjectId,
      id,
      b.decision,
      b.comment ?? null,
    );
  }
}
