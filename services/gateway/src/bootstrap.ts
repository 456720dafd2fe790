import type { InProcessBroker } from '@keel/bus';
import { RequestMethod } from '@nestjs/common';
import { createBus, runService, type RunningService } from '@keel/service-runtime';
import { createLogger, type Logger } from '@keel/telemetry';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { mountOpenApi } from './openapi/openapi';

/** Starts the gateway from configuration; used by main.ts and the embedded runner. */
export async function startGateway(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
  /** Embedded mode: the process-wide in-process broker every service shares. */
  broker?: InProcessBroker,
): Promise<RunningService> {
  const config = loadGatewayConfig(env);
  const log = logger ?? createLogger({ service: 'gateway', level: config.logLevel });
  const bus = createBus(config, 'gateway', log, broker);
  return runService({
    name: 'gateway',
    module: GatewayModule.register({ config, bus, logger: log }),
    logger: log,
    bus,
    consumes: false,
    http: { port: config.httpPort, host: config.httpHost, bodyLimitBytes: config.bodyLimitBytes },
    internalToken: config.internalToken,
    configure: (app) => {
      app.setGlobalPrefix('api/v1', {
        exclude: [
          { path: 'health/live', method: RequestMethod.GET },
          { path: 'health/ready', method: RequestMethod.GET },
        ],
      });
      mountOpenApi(app);
    },
  });
}
