import { runServiceMain } from '@keel/service-runtime';
import { startExecutionEngine } from './bootstrap';
import { loadExecutionEngineConfig } from './config';

// Config validated first, telemetry started before anything registers instruments,
// and on SIGTERM/SIGINT the service is closed and telemetry flushed (runServiceMain).
runServiceMain({
  service: 'execution-engine',
  loadConfig: () => loadExecutionEngineConfig(process.env),
  start: (_config, { logger }) => startExecutionEngine(process.env, logger),
});
