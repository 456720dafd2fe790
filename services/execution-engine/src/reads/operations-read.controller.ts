import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  type OperationList,
  operationListQuerySchema,
  type OperationView,
  validateOrThrow,
} from '@keel/operations';
import { z } from 'zod';
import { GetOperationUseCase } from './usecases/get-operation/get-operation.usecase';
import { ListOperationsUseCase } from './usecases/list-operations/list-operations.usecase';

const organizationQuery = z.object({ organizationId: z.string().min(1).max(128) });

/** Internal read API of the journal, for the gateway (which has authenticated the caller). */
@Controller('internal/v1/operations')
export class OperationsReadController {
  constructor(
    private readonly getOne: GetOperationUseCase,
    private readonly list: ListOperationsUseCase,
  ) {}

  @Get()
  async index(@Query() query: Record<string, unknown>): Promise<OperationList> {
    const { organizationId, ...rest } = query;
    const org = validateOrThrow(organizationQuery, { organizationId }, 'query');
    return this.list.execute(
      org.organizationId,
      validateOrThrow(operationListQuerySchema, rest, 'query'),
    );
  }

  @Get(':id')
  async show(@Param('id') id: string, @Query() query: unknown): Promise<OperationView> {
    const { organizationId } = validateOrThrow(organizationQuery, query, 'query');
    return this.getOne.execute(organizationId, id);
  }
}
