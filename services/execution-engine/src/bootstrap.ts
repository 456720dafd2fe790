import type { InProcessBroker } from '@keel/bus';
import { OutboxRelay } from '@keel/persistence';
import { createBus, runService, type RunningService } from '@keel/service-runtime';
import { createLogger, type Logger } from '@keel/telemetry';
import { ExecutionEngineModule } from './app.module';
import { loadExecutionEngineConfig } from './config';
import { openDatabase } from './database/database';

/**
 * Starts the execution engine. Every transition committed its events to the
 * outbox in the same transaction, so resuming after a restart is: the relay
 * publishes what was not yet sent, and the consumers pick up at their
 * committed offsets (the inbox drops what was already applied).
 */
export async function startExecutionEngine(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
  /** Embedded mode: the process-wide in-process broker every service shares. */
  broker?: InProcessBroker,
): Promise<RunningService> {
  const config = loadExecutionEngineConfig(env);
  const log = logger ?? createLogger({ service: 'execution-engine', level: config.logLevel });
  const dataSource = await openDatabase(config.databaseUrl);
  const bus = createBus(config, 'execution-engine', log, broker);
  const relay = new OutboxRelay({ dataSource, publisher: bus, logger: log });
  relay.start();
  const running = await runService({
    name: 'execution-engine',
    module: ExecutionEngineModule.register({ config, dataSource, bus, logger: log }),
    logger: log,
    bus,
    consumes: true,
    http: { port: config.httpPort, host: config.httpHost },
    internalToken: config.internalToken,
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
