import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import {
  busVariables,
  httpVariables,
  internalAuthVariables,
  logVariables,
} from '@keel/service-runtime';

export const gatewayVariables = {
  ...logVariables,
  ...internalAuthVariables,
  ...busVariables,
  ...httpVariables,
  requestControlsUrl: variable({
    env: 'KEEL_REQUEST_CONTROLS_URL',
    schema: shapes.url(['http', 'https']),
    description: 'internal URL of the request-controls service',
    fix: 'Set KEEL_REQUEST_CONTROLS_URL=http://request-controls:8080',
  }),
  executionEngineUrl: variable({
    env: 'KEEL_EXECUTION_ENGINE_URL',
    schema: shapes.url(['http', 'https']),
    description: 'internal URL of the execution-engine service (operation reads)',
    fix: 'Set KEEL_EXECUTION_ENGINE_URL=http://execution-engine:8080',
  }),
  complianceSimulatorUrl: variable({
    env: 'KEEL_COMPLIANCE_SIMULATOR_URL',
    schema: shapes.url(['http', 'https']),
    description: 'internal URL of the compliance-simulator service',
    fix: 'Set KEEL_COMPLIANCE_SIMULATOR_URL=http://compliance-simulator:8080',
  }),
  indexerUrl: variable({
    env: 'KEEL_INDEXER_URL',
    schema: shapes.url(['http', 'https']),
    description: 'URL of the indexer read API (asset, holder and identity reads)',
    fix: 'Set KEEL_INDEXER_URL=http://indexer:3108',
    default: 'http://127.0.0.1:3108',
  }),
  keyGuardianUrl: variable({
    env: 'KEEL_KEY_GUARDIAN_URL',
    schema: shapes.url(['http', 'https']),
    description: 'internal URL of key-guardian (wallet custodian policies and approvals)',
    fix: 'Set KEEL_KEY_GUARDIAN_URL=http://key-guardian:3106',
    default: 'http://127.0.0.1:3106',
  }),
  bodyLimitBytes: variable({
    env: 'KEEL_HTTP_BODY_LIMIT_BYTES',
    schema: shapes.positiveInt(),
    description: 'largest accepted request body in bytes',
    fix: 'Set KEEL_HTTP_BODY_LIMIT_BYTES to a positive integer (default 262144).',
    default: 256 * 1024,
  }),
  sseIntervalMs: variable({
    env: 'KEEL_SSE_POLL_INTERVAL_MS',
    schema: shapes.positiveInt(),
    description: 'how often the status stream checks for changes',
    fix: 'Set KEEL_SSE_POLL_INTERVAL_MS to a positive integer of milliseconds.',
    default: 250,
  }),
};
export type GatewayConfig = ConfigOf<typeof gatewayVariables>;

export function loadGatewayConfig(env: Readonly<Record<string, string | undefined>> = process.env) {
  return loadConfig('gateway', gatewayVariables, env);
}
