import { runServiceMain } from '@keel/service-runtime';
import { startGateway } from './bootstrap';
import { loadGatewayConfig } from './config';

// Config validated first, telemetry started before anything registers instruments,
// and on SIGTERM/SIGINT the service is closed and telemetry flushed (runServiceMain).
runServiceMain({
  service: 'gateway',
  loadConfig: () => loadGatewayConfig(process.env),
  start: (_config, { logger }) => startGateway(process.env, logger),
});
