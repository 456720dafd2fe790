import { Controller, Get, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ChainRepository } from '../chain/chain.repository';
import { CHAIN, DATA_SOURCE } from '../tokens';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CHAIN) private readonly chain: ChainRepository,
  ) {}

  @Get()
  async health(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'down', database: 'down' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    return { status: 'ok', database: 'up' };
  }

  /** RPC upstream health per chain (URLs without credentials). */
  @Get('chains')
  chains(): Record<string, unknown> {
    return this.chain.status();
  }
}
