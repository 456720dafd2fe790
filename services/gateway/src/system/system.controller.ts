import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PresentedApiKey } from '../access/api-key.header';
import type { SystemDeploymentView } from './system.repository';
import { GetSystemUseCase } from './usecases/get-system/get-system.usecase';

@ApiTags('system')
@ApiSecurity('apiKey')
@Controller('system')
export class SystemController {
  constructor(private readonly getSystem: GetSystemUseCase) {}

  @Get()
  @ApiOperation({
    summary:
      "The organization's Keel system layer per chain (addresses recorded by system.bootstrap); empty before it runs.",
  })
  @ApiResponse({
    status: 200,
    description: '{ items: [{ chainId, operationId, addresses, ... }] }',
  })
  async show(
    @PresentedApiKey() apiKey: string | undefined,
  ): Promise<{ items: SystemDeploymentView[] }> {
    return this.getSystem.execute(apiKey);
  }
}
