import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBody,
  ApiHeader,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { OperationList, OperationView } from '@keel/operations';
import { PresentedApiKey } from '../access/api-key.header';
import { CancelOperationUseCase } from './usecases/cancel-operation/cancel-operation.usecase';
import { GetOperationUseCase } from './usecases/get-operation/get-operation.usecase';
import { ListOperationsUseCase } from './usecases/list-operations/list-operations.usecase';
import { StreamOperationEventsUseCase } from './usecases/stream-operation-events/stream-operation-events.usecase';
import {
  type SubmittedOperation,
  SubmitOperationUseCase,
} from './usecases/submit-operation/submit-operation.usecase';

@ApiTags('operations')
@ApiSecurity('apiKey')
@Controller('operations')
export class OperationsController {
  constructor(
    private readonly submit: SubmitOperationUseCase,
    private readonly getOne: GetOperationUseCase,
    private readonly list: ListOperationsUseCase,
    private readonly events: StreamOperationEventsUseCase,
    private readonly cancelOne: CancelOperationUseCase,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Submit an operation; it runs asynchronously through the signing flow.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'same key + same body → same operation',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/OperationRequest' } })
  @ApiResponse({ status: 202, schema: { $ref: '#/components/schemas/SubmittedOperation' } })
  @ApiResponse({
    status: 409,
    description: 'Idempotency-Key reused with another body',
    schema: { $ref: '#/components/schemas/Problem' },
  })
  @ApiResponse({
    status: 422,
    description: 'Invalid operation',
    schema: { $ref: '#/components/schemas/Problem' },
  })
  async create(
    @PresentedApiKey() apiKey: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: unknown,
  ): Promise<SubmittedOperation> {
    return this.submit.execute(apiKey, idempotencyKey, body);
  }

  @Get()
  @ApiOperation({
    summary: 'List operations of the organization (newest first, cursor pagination).',
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/OperationList' } })
  async index(
    @PresentedApiKey() apiKey: string | undefined,
    @Query() query: unknown,
  ): Promise<OperationList> {
    return this.list.execute(apiKey, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Status, sub-status, error, transactions and status history of an operation.',
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/Operation' } })
  @ApiResponse({ status: 404, schema: { $ref: '#/components/schemas/Problem' } })
  async show(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('id') id: string,
  ): Promise<OperationView> {
    return this.getOne.execute(apiKey, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel an operation before it is signed (RECEIVED, QUEUED, PREPARING or PENDING_APPROVAL): it ends CANCELLED, nothing is sent. A pending custodian approval is closed (cancelled in its audit trail, its reserved spend released) and a reserved nonce is filled with a no-op.',
  })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/Operation' } })
  @ApiResponse({ status: 404, schema: { $ref: '#/components/schemas/Problem' } })
  @ApiResponse({
    status: 409,
    description:
      'OPERATION_NOT_CANCELLABLE (details.code, with details.status): the operation is SIGNING, BROADCASTING or CONFIRMING (its transaction may already be on its way to the chain), has a transaction on chain, or already ended; `why` says which',
    schema: { $ref: '#/components/schemas/Problem' },
  })
  async cancel(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('id') id: string,
  ): Promise<OperationView> {
    return this.cancelOne.execute(apiKey, id);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Server-Sent Events: one `status` event per state change, until terminal.',
  })
  @ApiProduces('text/event-stream')
  async stream(
    @PresentedApiKey() apiKey: string | undefined,
    @Param('id') id: string,
    @Req() req: IncomingMessage,
    @Res() res: ServerResponse,
  ): Promise<void> {
    const { organizationId, first } = await this.events.open(apiKey, id);
    const lastId = Number(req.headers['last-event-id'] ?? '-1');
    await this.events.stream(res, organizationId, first, Number.isFinite(lastId) ? lastId : -1);
  }
}
