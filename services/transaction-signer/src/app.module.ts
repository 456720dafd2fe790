import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { ChainRepository } from './chain/chain.repository';
import { HealthController } from './health/health.controller';
import { BroadcastRequestedHandler } from './lanes/handlers/broadcast-requested.handler';
import { KeySignResultHandler } from './lanes/handlers/key-sign-result.handler';
import { OperationEndedHandler } from './lanes/handlers/operation-ended.handler';
import { ReceiptHandler } from './lanes/handlers/receipt.handler';
import { SignatureRequestedHandler } from './lanes/handlers/signature-requested.handler';
import type { CompleteSigningUseCase } from './lanes/usecases/complete-signing/complete-signing.usecase';
import type { ReleaseCancelledUseCase } from './lanes/usecases/release-cancelled/release-cancelled.usecase';
import type { ReconcileLaneUseCase } from './lanes/usecases/reconcile-lane/reconcile-lane.usecase';
import type { ReserveAndSignUseCase } from './lanes/usecases/reserve-and-sign/reserve-and-sign.usecase';
import type { TrackTransactionUseCase } from './lanes/usecases/track-transaction/track-transaction.usecase';
import {
  CHAIN,
  COMPLETE_SIGNING,
  DATA_SOURCE,
  LOGGER,
  RECONCILE_LANE,
  RELEASE_CANCELLED,
  RESERVE_AND_SIGN,
  TRACK_TRANSACTION,
} from './tokens';

export interface TransactionSignerModuleDeps {
  readonly dataSource: DataSource;
  readonly logger: Logger;
  readonly chain: ChainRepository;
  readonly reserveAndSign: ReserveAndSignUseCase;
  readonly completeSigning: CompleteSigningUseCase;
  readonly trackTransaction: TrackTransactionUseCase;
  readonly reconcileLane: ReconcileLaneUseCase;
  readonly releaseCancelled: ReleaseCancelledUseCase;
}

@Module({})
export class TransactionSignerModule {
  static register(deps: TransactionSignerModuleDeps): DynamicModule {
    return {
      module: TransactionSignerModule,
      controllers: [
        HealthController,
        SignatureRequestedHandler,
        KeySignResultHandler,
        BroadcastRequestedHandler,
        ReceiptHandler,
        OperationEndedHandler,
      ],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: LOGGER, useValue: deps.logger },
        { provide: CHAIN, useValue: deps.chain },
        { provide: RESERVE_AND_SIGN, useValue: deps.reserveAndSign },
        { provide: COMPLETE_SIGNING, useValue: deps.completeSigning },
        { provide: TRACK_TRANSACTION, useValue: deps.trackTransaction },
        { provide: RECONCILE_LANE, useValue: deps.reconcileLane },
        { provide: RELEASE_CANCELLED, useValue: deps.releaseCancelled },
      ],
    };
  }
}
