import { type ConfigOf, describeConfig, loadConfig, shapes, variable } from '@keel/config';
import { z } from 'zod';

export const TELEMETRY_MODES = ['otlp', 'console', 'off'] as const;
export type TelemetryMode = (typeof TELEMETRY_MODES)[number];

const otlpUrl = () => shapes.url(['http', 'https']).nullable();

// `k1=v1,k2=v2` as the OpenTelemetry specification defines it for OTLP headers.
const otlpHeaders = () =>
  z
    .string()
    .refine(
      (v) => v.split(',').every((pair) => /^\s*[^=\s]+\s*=.*$/.test(pair)),
      'must be a comma-separated list of key=value pairs',
    )
    .nullable();

/**
 * Environment variables read by `startTelemetry` and `loadTelemetryConfig`.
 * The `OTEL_*` ones are the standard OpenTelemetry names, validated here so a
 * typo fails at startup instead of silently exporting nowhere.
 */
export const telemetryVariables = {
  mode: variable<TelemetryMode | null>({
    env: 'KEEL_TELEMETRY',
    schema: shapes.oneOf(TELEMETRY_MODES).nullable(),
    description:
      'where traces and metrics go: otlp, console or off (unset: off under tests, otherwise otlp when an OTLP endpoint is set)',
    fix: 'set KEEL_TELEMETRY to otlp, console or off',
    default: null,
  }),
  logLevel: variable({
    env: 'KEEL_LOG_LEVEL',
    schema: shapes.logLevel(),
    description: 'minimum log level',
    fix: 'set KEEL_LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent',
    default: 'info' as const,
  }),
  environment: variable<string | null>({
    env: 'KEEL_ENVIRONMENT',
    schema: shapes.string().nullable(),
    description: 'deployment environment name recorded on traces and metrics',
    fix: 'set KEEL_ENVIRONMENT to e.g. production, staging or dev',
    default: null,
  }),
  sampleRatio: variable({
    env: 'KEEL_TRACE_SAMPLE_RATIO',
    schema: z.coerce
      .number({ message: 'must be a number' })
      .min(0, 'must be between 0 and 1')
      .max(1, 'must be between 0 and 1'),
    description: 'fraction of new traces sampled (child spans follow their parent)',
    fix: 'set KEEL_TRACE_SAMPLE_RATIO to a number from 0 to 1, e.g. 0.1',
    default: 1,
  }),
  sdkDisabled: variable({
    env: 'OTEL_SDK_DISABLED',
    schema: shapes.boolean(),
    description: 'standard OpenTelemetry kill switch',
    fix: 'set OTEL_SDK_DISABLED to true or false',
    default: false,
  }),
  endpoint: variable<string | null>({
    env: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    schema: otlpUrl(),
    description: 'OTLP/HTTP base URL of the collector (signals append /v1/traces, /v1/metrics)',
    fix: 'set OTEL_EXPORTER_OTLP_ENDPOINT to e.g. http://otel-collector:4318',
    default: null,
  }),
  tracesEndpoint: variable<string | null>({
    env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
    schema: otlpUrl(),
    description: 'full OTLP/HTTP URL for traces, overriding the base endpoint',
    fix: 'set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT to e.g. http://otel-collector:4318/v1/traces',
    default: null,
  }),
  metricsEndpoint: variable<string | null>({
    env: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
    schema: otlpUrl(),
    description: 'full OTLP/HTTP URL for metrics, overriding the base endpoint',
    fix: 'set OTEL_EXPORTER_OTLP_METRICS_ENDPOINT to e.g. http://otel-collector:4318/v1/metrics',
    default: null,
  }),
  headers: variable<string | null>({
    env: 'OTEL_EXPORTER_OTLP_HEADERS',
    schema: otlpHeaders(),
    description: 'headers sent to the collector (often an API key)',
    fix: 'set OTEL_EXPORTER_OTLP_HEADERS to key=value pairs, e.g. x-api-key=...',
    sensitive: true,
    default: null,
  }),
  timeoutMs: variable({
    env: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    schema: shapes.positiveInt(),
    description: 'export timeout in milliseconds',
    fix: 'set OTEL_EXPORTER_OTLP_TIMEOUT to a positive integer, e.g. 10000',
    default: 10_000,
  }),
  metricIntervalMs: variable({
    env: 'OTEL_METRIC_EXPORT_INTERVAL',
    schema: shapes.positiveInt(),
    description: 'how often metrics are exported, in milliseconds',
    fix: 'set OTEL_METRIC_EXPORT_INTERVAL to a positive integer, e.g. 60000',
    default: 60_000,
  }),
};

export type TelemetryConfig = ConfigOf<typeof telemetryVariables>;

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates the telemetry and logging variables. Throws `ConfigError` (from
 * `@keel/config`) naming each bad variable and how to fix it.
 */
export function loadTelemetryConfig(service: string, env: Env = process.env): TelemetryConfig {
  return loadConfig(service, telemetryVariables, env);
}

/** The loaded variables by name, for startup logs; sensitive values are replaced. */
export function describeTelemetryConfig(config: TelemetryConfig): Record<string, unknown> {
  return describeConfig(telemetryVariables, config);
}

/** True under Vitest or with NODE_ENV=test: telemetry stays off unless asked for. */
export function isTestEnvironment(env: Env): boolean {
  return env['NODE_ENV'] === 'test' || (env['VITEST'] !== undefined && env['VITEST'] !== '');
}

/** The mode in force: explicit KEEL_TELEMETRY wins; otherwise off under tests. */
export function resolveTelemetryMode(config: TelemetryConfig, env: Env): TelemetryMode {
  if (config.sdkDisabled) return 'off';
  if (config.mode !== null) return config.mode;
  if (isTestEnvironment(env)) return 'off';
  const hasEndpoint =
    config.endpoint !== null || config.tracesEndpoint !== null || config.metricsEndpoint !== null;
  return hasEndpoint ? 'otlp' : 'off';
}

/** Parses `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values URL-encoded). */
export function parseOtlpHeaders(raw: string | null): Record<string, string> {
  const headers: Record<string, string> = {};
  if (raw === null) return headers;
  for (const pair of raw.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/** `base` + `/v1/<signal>`, as the OTLP exporter specification composes it. */
export function signalUrl(base: string | null, signal: 'traces' | 'metrics'): string | undefined {
  if (base === null) return undefined;
  return `${base.replace(/\/+$/, '')}/v1/${signal}`;
}
