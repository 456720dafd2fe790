import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { admitOperationCommandSchema } from './usecases/admit-operation/admit-operation.command';
import {
  type Admission,
  AdmitOperationUseCase,
} from './usecases/admit-operation/admit-operation.usecase';

/** Internal API for the gateway: admission of `POST /api/v1/operations`. */
@Controller('internal/v1')
export class AdmissionsController {
  constructor(private readonly admit: AdmitOperationUseCase) {}

  @Post('admissions')
  @HttpCode(200)
  async admitOperation(@Body() body: unknown): Promise<Admission> {
    return this.admit.execute(
      validateOrThrow(admitOperationCommandSchema, body, 'admission request'),
    );
  }
}
