import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { subjectId } from '../policy/policy-document';
import { DECIDE_APPROVAL, READ_APPROVALS } from '../tokens';
import type {
  DecideApprovalResult,
  DecideApprovalUseCase,
} from './usecases/decide-approval/decide-approval.usecase';
import type { ReadApprovalsUseCase } from './usecases/read-approvals/read-approvals.usecase';

const organizationId = z.string().min(1).max(128);
const listQuery = z
  .object({
    organizationId,
    subjectId,
    status: z.enum(['pending', 'approved', 'rejected', 'expired', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
const getQuery = z.object({ organizationId, subjectId }).strict();
const decideBody = z
  .object({
    organizationId,
    subjectId,
    decision: z.enum(['approve', 'reject']),
    comment: z.string().max(1000).nullish(),
  })
  .strict();

/**
 * Internal approvals API (the gateway calls it after request controls
 * authenticated the caller and named its subject id).
 */
@Controller('internal/v1/approvals')
export class ApprovalsController {
  constructor(
    @Inject(READ_APPROVALS) private readonly read: ReadApprovalsUseCase,
    @Inject(DECIDE_APPROVAL) private readonly decide: DecideApprovalUseCase,
  ) {}

  @Get()
  list(@Query() query: unknown): Promise<{ items: Record<string, unknown>[] }> {
    const q = validateOrThrow(listQuery, query, 'approval query');
    return this.read.list(q.organizationId, q.subjectId, q.status ?? null, q.limit);
  }

  @Get(':id')
  get(@Param('id') id: string, @Query() query: unknown): Promise<Record<string, unknown>> {
    const q = validateOrThrow(getQuery, query, 'approval query');
    return this.read.get(q.organizationId, q.subjectId, id);
  }

  @Post(':id/decisions')
  @HttpCode(200)
  decideOn(@Param('id') id: string, @Body() body: unknown): Promise<DecideApprovalResult> {
    const b = validateOrThrow(decideBody, body, 'decision');
    return this.decide.execute({
      organizationId: b.organizationId,
      approvalId: id,
      subjectId: b.subjectId,
      decision: b.decision,
      comment: b.comment ?? null,
    });
  }
}
