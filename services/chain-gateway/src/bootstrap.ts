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
import { busBatchLimits, kafkaClientOptions } from '@keel/service-runtime';
import { openDataSource, OutboxRelay } from '@keel/persistence';
import { createLogger, instrumentRepository, type Logger, NestLogger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { ChainGatewayModule } from './app.module';
import { TrackedTransactionRepository } from './broadcast/tracked-transaction.repository';
import { BroadcastTransactionUseCase } from './broadcast/usecases/broadcast-transaction/broadcast-transaction.usecase';
import { ChainRepository } from './chain/chain.repository';
import type { ChainGatewayConfig } from './config';
import { TrackConfirmationsUseCase } from './confirmations/usecases/track-confirmations/track-confirmations.usecase';
import { chainGatewayMigrations } from './database/migrations';
import { StreamLogsUseCase } from './logs/usecases/stream-logs/stream-logs.usecase';

export const SERVICE_NAME = 'chain-gateway';

export interface ChainGatewayOverrides {
  readonly logger?: Logger;
  readonly broker?: InProcessBroker;
}

export interface RunningChainGateway {
  readonly app: INestApplication;
  readonly url: string;
  readonly dataSource: DataSource;
  readonly chain: ChainRepository;
  readonly tracked: TrackedTransactionRepository;
  close(): Promise<void>;
}

export async function startChainGateway(
  config: ChainGatewayConfig,
  overrides: ChainGatewayOverrides = {},
): Promise<RunningChainGateway> {
  const logger =
    overrides.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const dataSource = await openDataSource({
    url: config.databaseUrl,
    migrations: chainGatewayMigrations,
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
  const chain = instrumentRepository(new ChainRepository(config.rpcUrls, logger), 'gateway-chain');
  chain.startHealthChecks(config.healthCheckIntervalMs);
  const tracked = instrumentRepository(
    new TrackedTransactionRepository(dataSource),
    'tracked-transaction',
  );
  const confirmations = new TrackConfirmationsUseCase(
    dataSource,
    chain,
    tracked,
    config.reorgWindow,
    logger,
  );
  const logs = new StreamLogsUseCase(
    dataSource,
    chain,
    tracked,
    config.logsFromBlock,
    config.reorgWindow,
    logger,
  );
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger });
  // Fault injection exists for the crash tests only: outside NODE_ENV=test it is ignored.
  const injectFaults = config.fault !== 'none' && process.env['NODE_ENV'] === 'test';
  if (config.fault !== 'none' && !injectFaults)
    logger.warn(
      { fault: config.fault },
      'KEEL_FAULT is honoured only under NODE_ENV=test; ignored',
    );
  const app = await NestFactory.create(
    ChainGatewayModule.register({
      dataSource,
      chain,
      broadcastTransaction: new BroadcastTransactionUseCase(
        chain,
        tracked,
        config.confirmations,
        logger,
        injectFaults && config.fault === 'crash-after-broadcast'
          ? {
              afterBroadcast: () => {
                logger.warn('KEEL_FAULT=crash-after-broadcast: SIGKILL before the hash is stored');
                process.kill(process.pid, 'SIGKILL');
              },
            }
          : {},
      ),
    }),
    { logger: new NestLogger(logger), abortOnError: false },
  );
  app.connectMicroservice({ strategy: new KeelBusTransport({ bus, group: SERVICE_NAME }) });
  await app.startAllMicroservices();
  relay.start();

  // One poll loop: receipts, then the log stream, per chain; a failing chain does not stop the others.
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (!stopped) {
      for (const chainId of chain.chainIds) {
        try {
          await confirmations.tick(chainId);
          await logs.tick(chainId);
        } catch (err) {
          logger.warn(
            { chainId, err: (err as Error).message },
            'chain poll failed; retrying next tick',
          );
        }
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, config.pollIntervalMs);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  })();

  await app.listen(config.httpPort, config.httpHost);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, chains: chain.chainIds, bus: config.busDriver }, 'chain-gateway listening');
  return {
    app,
    url,
    dataSource,
    chain,
    tracked,
    close: async () => {
      stopped = true;
      wake?.();
      await loop;
      await app.close();
      await relay.stop();
      await bus.close();
      chain.close();
      await dataSource.destroy();
    },
  };
}

// The embedded runner loads this service's configuration through its bootstrap.
export { loadChainGatewayConfig } from './config';
