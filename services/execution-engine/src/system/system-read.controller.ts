import { Controller, Get, Query } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { type SystemDeployment, SystemRepository } from './system.repository';

const organizationQuery = z.object({ organizationId: z.string().min(1).max(128) });

/** Internal read of the organization's system layer per chain, for the gateway's `GET /api/v1/system`. */
@Controller('internal/v1/system')
export class SystemReadController {
  constructor(private readonly systems: SystemRepository) {}

  @Get()
  async show(@Query() query: unknown): Promise<{ items: SystemDeployment[] }> {
    const { organizationId } = validateOrThrow(organizationQuery, query, 'query');
    return { items: await this.systems.listDeployed(organizationId) };
  }
}
