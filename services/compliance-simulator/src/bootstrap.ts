import type { InProcessBroker } from '@keel/bus';
import { rpcHttpTransport } from '@keel/chain';
import { createBus, runService, type RunningService } from '@keel/service-runtime';
import { createLogger, type Logger } from '@keel/telemetry';
import { createPublicClient, type PublicClient } from 'viem';
import { ComplianceSimulatorModule } from './app.module';
import { loadComplianceSimulatorConfig } from './config';

/** Starts the compliance simulator; used by main.ts and the embedded runner. */
export async function startComplianceSimulator(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger?: Logger,
  /** Embedded mode: the process-wide in-process broker every service shares. */
  broker?: InProcessBroker,
): Promise<RunningService> {
  const config = loadComplianceSimulatorConfig(env);
  const log = logger ?? createLogger({ service: 'compliance-simulator', level: config.logLevel });
  const bus = createBus(config, 'compliance-simulator', log, broker);
  const client = createPublicClient({
    // Calls made in the same tick (a simulation's independent reads, concurrent simulations)
    // go out as one JSON-RPC batch.
    transport: rpcHttpTransport(config.rpcUrl, {
      retryCount: 2,
      timeout: 10_000,
      batch: { batchSize: 50, wait: 0 },
    }),
  }) as PublicClient;
  return runService({
    name: 'compliance-simulator',
    module: ComplianceSimulatorModule.register({ config, bus, logger: log, client }),
    logger: log,
    bus,
    consumes: true,
    http: { port: config.httpPort, host: config.httpHost },
    internalToken: config.internalToken,
  });
}
