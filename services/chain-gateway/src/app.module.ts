import { type DynamicModule, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { BroadcastRequestedHandler } from './broadcast/handlers/broadcast-requested.handler';
import type { BroadcastTransactionUseCase } from './broadcast/usecases/broadcast-transaction/broadcast-transaction.usecase';
import type { ChainRepository } from './chain/chain.repository';
import { HealthController } from './health/health.controller';
import { BROADCAST_TRANSACTION, CHAIN, DATA_SOURCE } from './tokens';

export interface ChainGatewayModuleDeps {
  readonly dataSource: DataSource;
  readonly chain: ChainRepository;
  readonly broadcastTransaction: BroadcastTransactionUseCase;
}

@Module({})
export class ChainGatewayModule {
  static register(deps: ChainGatewayModuleDeps): DynamicModule {
    return {
      module: ChainGatewayModule,
      controllers: [HealthController, BroadcastRequestedHandler],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: CHAIN, useValue: deps.chain },
        { provide: BROADCAST_TRANSACTION, useValue: deps.broadcastTransaction },
      ],
    };
  }
}
