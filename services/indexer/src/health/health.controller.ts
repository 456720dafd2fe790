import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

@Controller('health')
export class HealthController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get()
  async health(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'down', database: 'down' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', database: 'up' };
  }
}
