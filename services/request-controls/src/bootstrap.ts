import type { InProcessBroker } from '@keel/bus';
import { OutboxRelay } from '@keel/persistence';
import { createBus, runService, type RunningService } from '@keel/service-runtime';
import { createLogger, type Logger } from '@keel/telemetry';
import { parseApiKey } from './api-keys/api-key-secret';
import { CreateApiKeyUseCase } from './api-keys/usecases/create-api-key/create-api-key.usecase';
import { RequestControlsModule } from './app.module';
import { loadRequestControlsConfig } from './config';
import { openDatabase } from './database/database';

/** Starts request controls from configuration (environment); used by main.ts and the embedded runner. */
export async function startRequestControls(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
  /** Embedded mode: the process-wide in-process broker every service shares. */
  broker?: InProcessBroker,
): Promise<RunningService> {
  const config = loadRequestControlsConfig(env);
  const log = logger ?? createLogger({ service: 'request-controls', level: config.logLevel });
  const dataSource = await openDatabase(config.databaseUrl);
  if (!config.encryptionKey) {
    log.warn(
      'REQUEST_CONTROLS_ENCRYPTION_KEY is not set: API keys issued now cannot sign Kafka ingress messages (set it to `openssl rand -base64 32`)',
    );
  }
  const bus = createBus(config, 'request-controls', log, broker);
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger: log });
  relay.start();
  const running = await runService({
    name: 'request-controls',
    module: RequestControlsModule.register({ config, dataSource, bus, logger: log }),
    logger: log,
    bus,
    consumes: true,
    http: { port: config.httpPort, host: config.httpHost },
    internalToken: config.internalToken,
    configure: async (app) => {
      const bootstrap = parseApiKey(config.bootstrapAdminKey);
      if (bootstrap) {
        await app
          .get(CreateApiKeyUseCase)
          .installBootstrapKey(config.bootstrapOrganization, bootstrap.id, bootstrap.secret);
        log.info(
          { apiKeyId: bootstrap.id, organizationId: config.bootstrapOrganization },
          'bootstrap admin key installed',
        );
      }
    },
  });
  return {
    ...running,
    close: async () => {
      await relay.stop();
      await running.close();
      await dataSource.destroy();
    },
  };
}
