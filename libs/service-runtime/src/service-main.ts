import { ConfigError } from '@keel/config';
import { createLogger, type Logger, startTelemetry } from '@keel/telemetry';

type LogLevel = NonNullable<Parameters<typeof createLogger>[0]['level']>;

export interface ServiceMain<C extends { readonly logLevel: LogLevel }> {
  readonly service: string;
  /** Loads and validates configuration; throws ConfigError listing every problem. */
  loadConfig(): C;
  start(config: C, deps: { logger: Logger }): Promise<{ close(): Promise<void> }>;
}

/**
 * The process entry point every service shares: configuration validated first,
 * telemetry before anything registers instruments, JSON logs, and a clean stop
 * on SIGTERM/SIGINT (service closed, telemetry flushed). A configuration error
 * prints its list of problems and fixes (never a sensitive value) and exits 1.
 */
export function runServiceMain<C extends { readonly logLevel: LogLevel }>(
  main: ServiceMain<C>,
): void {
  const boot = async (): Promise<void> => {
    const config = main.loadConfig();
    const telemetry = startTelemetry({ serviceName: main.service });
    const logger = createLogger({ service: main.service, level: config.logLevel });
    logger.info({ telemetry: telemetry.describe() }, 'telemetry configured');
    const running = await main.start(config, { logger });
    const shutdown = (signal: string): void => {
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
  };
  boot().catch((err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
