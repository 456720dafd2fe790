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
import { openDataSource, OutboxRelay } from '@keel/persistence';
import { createLogger, instrumentRepository, type Logger, NestLogger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { KeyGuardianModule } from './app.module';
import type { KeyGuardianConfig } from './config';
import { keyGuardianMigrations } from './database/migrations';
import { EnvelopeCipher } from './keystore/envelope-cipher';
import { KeystoreRepository } from './keystore/keystore.repository';
import { AllowAllPolicy, type CustodyPolicy } from './policy/custody-policy';
import { LocalKeystoreSigner } from './signer/local-keystore.signer';

export const SERVICE_NAME = 'key-guardian';

export interface KeyGuardianOverrides {
  readonly logger?: Logger;
  /** Embedded mode: the process-wide in-process broker. */
  readonly broker?: InProcessBroker;
  readonly policy?: CustodyPolicy;
}

export interface RunningKeyGuardian {
  readonly app: INestApplication;
  readonly url: string;
  readonly signer: LocalKeystoreSigner;
  readonly dataSource: DataSource;
  readonly bus: EventBus;
  close(): Promise<void>;
}

export async function startKeyGuardian(
  config: KeyGuardianConfig,
  overrides: KeyGuardianOverrides = {},
): Promise<RunningKeyGuardian> {
  const logger =
    overrides.logger ?? createLogger({ service: SERVICE_NAME, level: config.logLevel });
  const dataSource = await openDataSource({
    url: config.databaseUrl,
    migrations: keyGuardianMigrations,
    applicationName: SERVICE_NAME,
  });
  const bus =
    config.busDriver === 'in-process'
      ? new EventBus(new InProcessBusDriver(overrides.broker ?? new InProcessBroker()), { logger })
      : new EventBus(
          new KafkaBusDriver({ brokers: config.kafkaBrokers, clientId: SERVICE_NAME, logger }),
          { logger },
        );
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger });
  const cipher = new EnvelopeCipher(config.masterKey, config.masterKeyId);
  const signer = new LocalKeystoreSigner(
    instrumentRepository(new KeystoreRepository(dataSource), 'keystore'),
    cipher,
  );
  const app = await NestFactory.create(
    KeyGuardianModule.register({
      dataSource,
      signer,
      policy: overrides.policy ?? new AllowAllPolicy(),
      logger,
    }),
    { logger: new NestLogger(logger), abortOnError: false },
  );
  app.connectMicroservice({ strategy: new KeelBusTransport({ bus, group: SERVICE_NAME }) });
  await app.startAllMicroservices();
  relay.start();
  await app.listen(config.httpPort, config.httpHost);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info(
    { url, masterKeyId: config.masterKeyId, bus: config.busDriver },
    'key-guardian listening',
  );
  return {
    app,
    url,
    signer,
    dataSource,
    bus,
    close: async () => {
      await app.close();
      await relay.stop();
      await bus.close();
      await dataSource.destroy();
      cipher.destroy();
    },
  };
}
