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
  async health(): Promise<{ status: 'ok'; database: 'up'; rpc: 'up' }> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new HttpException({ status: 'down', database: 'down' }, HttpStatus.SERVICE_UNAVAILABLE);
    }
    // The gateway is useless without at least one healthy upstream per chain.
    const chains = this.chain.status();
    if (Object.values(chains).some((upstreams) => !upstreams.some((u) => u.healthy))) {
      throw new HttpException(
        { status: 'down', database: 'up', rpc: 'down' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok', database: 'up', rpc: 'up' };
  }

  /** RPC upstream health per chain (URLs without credentials). */
  @Get('chains')
  chains(): Record<string, unknown> {
    return this.chain.status();
  }
}
