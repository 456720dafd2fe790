import { runServiceMain } from '@keel/service-runtime';
import { startComplianceSimulator } from './bootstrap';
import { loadComplianceSimulatorConfig } from './config';

// Config validated first, telemetry started before anything registers instruments,
// and on SIGTERM/SIGINT the service is closed and telemetry flushed (runServiceMain).
runServiceMain({
  service: 'compliance-simulator',
  loadConfig: () => loadComplianceSimulatorConfig(process.env),
  start: (_config, { logger }) => startComplianceSimulator(process.env, logger),
});
