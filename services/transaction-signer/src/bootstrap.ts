import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import {
  EventBus,
  InProcessBroker,
  InProcessBusDriver,
  KafkaBusDriver,
  KeelBusTransport,
} from '@keel/bus';
import { defaultFeePolicy } from '@keel/chain';
import { busBatchLimits, kafkaClientOptions } from '@keel/service-runtime';
import { openDataSource, OutboxRelay } from '@keel/persistence';
import { createLogger, instrumentRepository, type Logger, NestLogger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { TransactionSignerModule } from './app.module';
import { ChainRepository } from './chain/chain.repository';
import type { TransactionSignerConfig } from './config';
import { transactionSignerMigrations } from './database/migrations';
import { NonceLaneRepository } from './lanes/nonce-lane.repository';
import { CompleteSigningUseCase } from './lanes/usecases/complete-signing/complete-signing.usecase';
import { ReconcileLaneUseCase } from './lanes/usecases/reconcile-lane/reconcile-lane.usecase';
import { ReleaseCancelledUseCase } from './lanes/usecases/release-cancelled/release-cancelled.usecase';
import { ReserveAndSignUseCase } from './lanes/usecases/reserve-and-sign/reserve-and-sign.usecase';
import { TrackTransactionUseCase } from './lanes/usecases/track-transaction/track-transaction.usecase';
import { signingFaultsOf } from './lanes/signing-faults';

export const SERVICE_NAME = 'transaction-signer';

export interface TransactionSignerOverrides {
  readonly logger?: Logger;
  readonly broker?: InProcessBroker;
}

export interface RunningTransactionSigner {
  readonly app: INestApplication;
  readonly url: string;
  readonly dataSource: DataSource;
  readonly bus: EventBus;
  readonly lanes: NonceLaneRepository;
  readonly reconcile: ReconcileLaneUseCase;
  close(): Promise<void>;
}

export async function startTransactionSigner(
  config: TransactionSignerConfig,
  overrides: TransactionSignerOverrides = {},
): Promise<RunningTransactionSigner> {
  const logger =
    overrides.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const dataSource = await openDataSource({
    url: config.databaseUrl,
    migrations: transactionSignerMigrations,
    applicationName: SERVICE_NAME,
  });
  const bus =
    config.busDriver === 'in-process'
      ? new EventBus(new InProcessBusDriver(overrides.broker ?? new InProcessBroker()), { logger })
      : new EventBus(
          new KafkaBusDriver({
            brokers: config.kafkaBrokers,
            clientId: SERVICE_NAME,
            logger,
            client: kafkaClientOptions(config),
            batch: busBatchLimits(config),
          }),
          { logger },
        );
  const chain = instrumentRepository(
    new ChainRepository(
      config.rpcUrls,
      { ...defaultFeePolicy, maxFeePerGasCap: BigInt(config.maxFeePerGasCapGwei) * 1_000_000_000n },
      logger,
    ),
    'signer-chain',
  );
  chain.startHealthChecks(10_000);
  const lanes = instrumentRepository(new NonceLaneRepository(dataSource), 'nonce-lane');
  // Fault injection exists for the payload-integrity tests only: outside NODE_ENV=test it is ignored.
  const faults = process.env['NODE_ENV'] === 'test' ? signingFaultsOf(config.fault) : {};
  if (config.fault !== 'none')
    logger.warn(
      { fault: config.fault, honoured: process.env['NODE_ENV'] === 'test' },
      'KEEL_FAULT is set (test only)',
    );
  const completeSigning = new CompleteSigningUseCase(lanes, chain, logger, faults);
  const reconcile = new ReconcileLaneUseCase(
    dataSource,
    lanes,
    chain,
    completeSigning,
    logger,
    config.stuckAfterMs,
  );
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger });
  const app = await NestFactory.create(
    TransactionSignerModule.register({
      dataSource,
      logger,
      chain,
      reserveAndSign: new ReserveAndSignUseCase(lanes, chain, logger, faults),
      completeSigning,
      trackTransaction: new TrackTransactionUseCase(lanes, logger),
      reconcileLane: reconcile,
      releaseCancelled: new ReleaseCancelledUseCase(lanes, completeSigning, logger),
    }),
    { logger: new NestLogger(logger), abortOnError: false },
  );
  app.connectMicroservice({ strategy: new KeelBusTransport({ bus, group: SERVICE_NAME }) });
  await app.startAllMicroservices();
  relay.start();
  let timer: NodeJS.Timeout | undefined;
  let reconciling = false;
  if (config.reconcileIntervalMs > 0) {
    timer = setInterval(() => {
      if (reconciling) return;
      reconciling = true;
      void reconcile.executeAll().finally(() => (reconciling = false));
    }, config.reconcileIntervalMs);
    timer.unref();
  }
  await app.listen(config.httpPort, config.httpHost);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info(
    { url, chains: Object.keys(config.rpcUrls), bus: config.busDriver },
    'transaction-signer listening',
  );
  return {
    app,
    url,
    dataSource,
    bus,
    lanes,
    reconcile,
    close: async () => {
      if (timer) clearInterval(timer);
      await app.close();
      await relay.stop();
      await bus.close();
      chain.close();
      await dataSource.destroy();
    },
  };
}

// The embedded runner loads this service's configuration through its bootstrap.
export { loadTransactionSignerConfig } from './config';
