import { Injectable } from '@nestjs/common';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { type SystemDeploymentView, SystemRepository } from '../../system.repository';

@Injectable()
export class GetSystemUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly systems: SystemRepository,
  ) {}

  async execute(apiKey: string | undefined): Promise<{ items: SystemDeploymentView[] }> {
    const principal = await this.requestControls.authenticate(apiKey);
    return this.systems.list(principal.organizationId);
  }
}
