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
import { ProblemFilter } from '@keel/http-problem';
import { busBatchLimits, kafkaClientOptions } from '@keel/service-runtime';
import { openDataSource } from '@keel/persistence';
import { createLogger, instrumentRepository, type Logger, NestLogger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { IndexerModule } from './app.module';
import type { IndexerConfig } from './config';
import { indexerMigrations } from './database/migrations';
import { CheckpointRepository } from './indexing/checkpoint.repository';
import { PollLogsUseCase } from './indexing/sources/poll-logs.usecase';
import { RpcChainRepository } from './indexing/sources/rpc-chain.repository';
import { ApplyBlockUseCase } from './indexing/usecases/apply-block/apply-block.usecase';
import { ReadModelsRepository } from './reads/read-models.repository';
import { AwaitIndexedBlockUseCase } from './reads/usecases/await-indexed-block/await-indexed-block.usecase';

export const SERVICE_NAME = 'indexer';

export interface IndexerOverrides {
  readonly logger?: Logger;
  readonly broker?: InProcessBroker;
}

export interface RunningIndexer {
  readonly app: INestApplication;
  readonly url: string;
  readonly dataSource: DataSource;
  readonly readModels: ReadModelsRepository;
  close(): Promise<void>;
}

/**
 * Starts the indexer: migrations, the read endpoint, and one log source —
 * `bus` (the chain-gateway's keel.chain.logs.v1 stream, inbox-deduped) or
 * `rpc` (eth_getLogs poller against the chain's RPC upstreams).
 */
export async function startIndexer(
  config: IndexerConfig,
  overrides: IndexerOverrides = {},
): Promise<RunningIndexer> {
  const logger =
    overrides.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const dataSource = await openDataSource({
    url: config.databaseUrl,
    migrations: indexerMigrations,
    applicationName: SERVICE_NAME,
  });
  const checkpoints = instrumentRepository(new CheckpointRepository(), 'indexer-checkpoint');
  // RPC upstreams: the poller's log source, and in either mode the reader of the
  // little state the logs do not carry (an identity's country when stored).
  const rpc =
    config.chainId > 0 && config.rpcUrls.length > 0
      ? instrumentRepository(new RpcChainRepository(config.chainId, config.rpcUrls), 'indexer-rpc')
      : undefined;
  const applyBlock = new ApplyBlockUseCase(checkpoints, config.reorgWindow, logger, rpc);
  const readModels = instrumentRepository(
    new ReadModelsRepository(dataSource),
    'indexer-read-models',
  );
  const awaitIndexedBlock = new AwaitIndexedBlockUseCase(
    (chainId) => readModels.indexedBlocks(chainId),
    { maxWaitMs: config.readMaxWaitMs },
  );
  const consumeBus = config.source === 'bus';
  const app = await NestFactory.create(
    IndexerModule.register({ dataSource, applyBlock, readModels, awaitIndexedBlock, consumeBus }),
    { logger: new NestLogger(logger), abortOnError: false },
  );
  app.useGlobalFilters(new ProblemFilter(logger));

  let bus: EventBus | undefined;
  if (consumeBus) {
    bus =
      config.busDriver === 'in-process'
        ? new EventBus(new InProcessBusDriver(overrides.broker ?? new InProcessBroker()), {
            logger,
          })
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
    app.connectMicroservice({ strategy: new KeelBusTransport({ bus, group: SERVICE_NAME }) });
    await app.startAllMicroservices();
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> = Promise.resolve();
  if (config.source === 'rpc' && rpc) {
    const poller = new PollLogsUseCase(
      dataSource,
      rpc,
      checkpoints,
      applyBlock,
      {
        fromBlock: BigInt(config.fromBlock),
        batchBlocks: config.batchBlocks,
        reorgWindow: config.reorgWindow,
        throttleMs: config.throttleMs,
      },
      logger,
    );
    loop = (async () => {
      while (!stopped) {
        let applied = 0;
        try {
          applied = await poller.tick();
        } catch (err) {
          logger.warn(
            { chainId: config.chainId, err: (err as Error).message },
            'log poll failed; retrying next tick',
          );
        }
        if (applied > 0) continue; // catching up: poll again at once
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, config.pollIntervalMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    })();
  }

  await app.listen(config.httpPort, config.httpHost);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url, source: config.source }, 'indexer listening');
  return {
    app,
    url,
    dataSource,
    readModels,
    close: async () => {
      stopped = true;
      wake?.();
      await loop;
      await app.close();
      await bus?.close();
      await dataSource.destroy();
    },
  };
}

// The embedded runner loads this service's configuration through its bootstrap.
export { loadIndexerConfig } from './config';
