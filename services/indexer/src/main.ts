import { ConfigError } from '@keel/config';
import { createLogger, startTelemetry } from '@keel/telemetry';
import { SERVICE_NAME, startIndexer } from './bootstrap';
import { loadIndexerConfig } from './config';

async function main(): Promise<void> {
  const config = loadIndexerConfig();
  // Traces and metrics first, so the bus, HTTP and repository instruments register with the SDK.
  const telemetry = startTelemetry({ serviceName: SERVICE_NAME });
  const logger = createLogger({ service: SERVICE_NAME, level: config.logLevel });
  logger.info({ telemetry: telemetry.describe() }, 'telemetry configured');
  const running = await startIndexer(config, { logger });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running
      .close()
      .then(() => telemetry.shutdown())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // ConfigError lists every problem with its fix and never a sensitive value.
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
