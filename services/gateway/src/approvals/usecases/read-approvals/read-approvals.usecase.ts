import { Injectable } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { KeyGuardianRepository } from '../../key-guardian.repository';
import type { Credentials } from '../../../access/api-key.header';
import { AuthenticateApprover } from '../authenticate-approver';

const listQuery = z
  .object({
    status: z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']).optional(),
    limit: z
      .string()
      .regex(/^[1-9][0-9]{0,2}$/, 'must be 1-200')
      .optional(),
  })
  .strict();

/** Approvals that name the caller as an approver, in the caller's organization only. */
@Injectable()
export class ReadApprovalsUseCase {
  constructor(
    private readonly auth: AuthenticateApprover,
    private readonly keyGuardian: KeyGuardianRepository,
  ) {}

  async list(credentials: Credentials, query: unknown) {
    const principal = await this.auth.reader(credentials);
    const q = validateOrThrow(listQuery, query ?? {}, 'approval query');
    return this.keyGuardian.listApprovals(
      principal.organizationId,
      principal.subjectId,
      q.status,
      q.limit,
    );
  }

  async get(credentials: Credentials, id: string) {
    const principal = await this.auth.reader(credentials);
    return this.keyGuardian.getApproval(principal.organizationId, principal.subjectId, id);
  }
}
