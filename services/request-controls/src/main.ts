import { runServiceMain } from '@keel/service-runtime';
import { startRequestControls } from './bootstrap';
import { loadRequestControlsConfig } from './config';

// Config validated first, telemetry started before anything registers instruments,
// and on SIGTERM/SIGINT the service is closed and telemetry flushed (runServiceMain).
runServiceMain({
  service: 'request-controls',
  loadConfig: () => loadRequestControlsConfig(process.env),
  start: (_config, { logger }) => startRequestControls(process.env, logger),
});
