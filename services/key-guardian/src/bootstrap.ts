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
import { internalTokenMiddleware, ProblemFilter } from '@keel/http-problem';
import { createLogger, instrumentRepository, type Logger, NestLogger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import { KeyGuardianModule } from './app.module';
import type { KeyGuardianConfig } from './config';
import { keyGuardianMigrations } from './database/migrations';
import { EnvelopeCipher } from './keystore/envelope-cipher';
import { KeystoreRepository } from './keystore/keystore.repository';
import { ApprovalRepository } from './approvals/approval.repository';
import { ApprovalTimeoutPoller } from './approvals/approval-timeout.poller';
import { CloseApprovalsUseCase } from './approvals/usecases/close-approvals/close-approvals.usecase';
import { DecideApprovalUseCase } from './approvals/usecases/decide-approval/decide-approval.usecase';
import { ExpireApprovalsUseCase } from './approvals/usecases/expire-approvals/expire-approvals.usecase';
import { ReadApprovalsUseCase } from './approvals/usecases/read-approvals/read-approvals.usecase';
import { ApprovalSettlement } from './approvals/usecases/settle-approval';
import { SigningRequestRepository } from './keystore/signing-request.repository';
import { type CustodyPolicy, WalletCustodyPolicy } from './policy/custody-policy';
import { PolicyRepository } from './policy/policy.repository';
import { DfnsWalletRepository } from './signer/dfns/dfns-wallet.repository';
import { DfnsSigner } from './signer/dfns/dfns.signer';
import { EnvFileSecretResolver } from './signer/dfns/secret-reference';
import { LocalKeystoreSigner } from './signer/local-keystore.signer';
import { RoutingSigner } from './signer/routing.signer';
import { RegisterDfnsWalletUseCase } from './wallets/usecases/register-dfns-wallet/register-dfns-wallet.usecase';

export const SERVICE_NAME = 'key-guardian';

export interface KeyGuardianOverrides {
  readonly logger?: Logger;
  /** Embedded mode: the process-wide in-process broker. */
  readonly broker?: InProcessBroker;
  readonly policy?: CustodyPolicy;
  /** Where DFNS credential references (env:NAME) are read; the process environment by default. */
  readonly secretEnv?: Readonly<Record<string, string | undefined>>;
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
          new KafkaBusDriver({
            brokers: config.kafkaBrokers,
            clientId: SERVICE_NAME,
            logger,
            client: kafkaClientOptions(config),
            batch: busBatchLimits(config),
          }),
          { logger },
        );
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger });
  const cipher = new EnvelopeCipher(config.masterKey, config.masterKeyId);
  const keystore = instrumentRepository(new KeystoreRepository(dataSource), 'keystore');
  const signer = new LocalKeystoreSigner(keystore, cipher);
  const dfnsWallets = instrumentRepository(new DfnsWalletRepository(dataSource), 'dfns-wallet');
  const dfns = new DfnsSigner(dfnsWallets, new EnvFileSecretResolver(overrides.secretEnv), logger);
  // Every signature goes to the backend its wallet names (local keystore, DFNS).
  const routing = new RoutingSigner(keystore, signer, { dfns });
  const policies = instrumentRepository(new PolicyRepository(dataSource), 'wallet-policy');
  const approvals = instrumentRepository(new ApprovalRepository(), 'approval');
  const signingRequests = new SigningRequestRepository();
  const settlement = new ApprovalSettlement(routing, approvals, signingRequests, policies, logger);
  const poller = new ApprovalTimeoutPoller(
    new ExpireApprovalsUseCase(dataSource, approvals, settlement),
    config.approvalPollIntervalMs,
    logger,
  );
  const app = await NestFactory.create(
    KeyGuardianModule.register({
      dataSource,
      signer: routing,
      policy: overrides.policy ?? new WalletCustodyPolicy(policies, approvals, signingRequests),
      logger,
      keystore,
      policies,
      approvals,
      signingRequests,
      readApprovals: new ReadApprovalsUseCase(dataSource, approvals),
      decideApproval: new DecideApprovalUseCase(dataSource, approvals, settlement),
      closeApprovals: new CloseApprovalsUseCase(approvals, settlement),
      registerDfnsWallet: new RegisterDfnsWalletUseCase(dfns, dfnsWallets, keystore, logger),
    }),
    { logger: new NestLogger(logger), abortOnError: false },
  );
  app.useGlobalFilters(new ProblemFilter(logger));
  // Wallets, policies, approvals and claim signing answer Keel services only (KEEL_INTERNAL_TOKEN).
  app.use('/internal', internalTokenMiddleware(config.internalToken));
  app.connectMicroservice({ strategy: new KeelBusTransport({ bus, group: SERVICE_NAME }) });
  await app.startAllMicroservices();
  relay.start();
  poller.start();
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
      await poller.stop();
      await app.close();
      await relay.stop();
      await bus.close();
      await dataSource.destroy();
      cipher.destroy();
    },
  };
}

// The embedded runner loads this service's configuration through its bootstrap.
export { loadKeyGuardianConfig } from './config';
