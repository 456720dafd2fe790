import {
  type Attributes,
  context,
  type Meter,
  metrics,
  propagation,
  type Span,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { scrubText } from './redaction';
import {
  describeTelemetryConfig,
  type Env,
  loadTelemetryConfig,
  parseOtlpHeaders,
  resolveTelemetryMode,
  signalUrl,
  type TelemetryConfig,
  type TelemetryMode,
} from './telemetry-config';

/** Instrumentation scope used when a caller does not name its own. */
export const DEFAULT_SCOPE = 'keel';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Environment to read variables from; `process.env` unless given. */
  env?: Env;
  /**
   * Replace the exporter chosen by KEEL_TELEMETRY (tests pass in-memory
   * exporters). Spans are then exported synchronously on end. The mode must
   * still be enabled: an exporter alone does not switch telemetry on.
   */
  spanExporter?: SpanExporter;
  metricExporter?: PushMetricExporter;
}

export interface TelemetryHandle {
  readonly mode: TelemetryMode;
  readonly enabled: boolean;
  /** The variables in force, for a startup log line; sensitive values are replaced. */
  describe(): Record<string, unknown>;
  /** Exports buffered spans and collected metrics now. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters the global providers. Idempotent. */
  shutdown(): Promise<void>;
}

// The OpenTelemetry API is process-global; so is the one SDK that feeds it.
let running: TelemetryHandle | undefined;

/**
 * Starts the OpenTelemetry SDK for traces and metrics, configured from the
 * environment (validated with `@keel/config`; throws `ConfigError` on a bad
 * value). With telemetry off, nothing is registered and the API's no-op
 * tracer and meter are in force; the handle still works.
 *
 * Call once per process, before creating tracers or meters, and call
 * `shutdown()` on exit so the last batch is exported.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  if (running) {
    throw new Error(
      'telemetry is already started in this process; call shutdown() on the running handle first',
    );
  }
  const env = options.env ?? process.env;
  const config = loadTelemetryConfig(options.serviceName, env);
  const mode = resolveTelemetryMode(config, env);
  if (mode === 'off') return disabledHandle(config);

  const spanProcessor = spanProcessorFor(mode, config, options.spanExporter);
  const metricReader = new PeriodicExportingMetricReader({
    exporter: options.metricExporter ?? metricExporterFor(mode, config),
    exportIntervalMillis: config.metricIntervalMs,
    exportTimeoutMillis: Math.min(config.timeoutMs, config.metricIntervalMs),
  });

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      ...(options.serviceVersion === undefined
        ? {}
        : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
      ...(config.environment === null ? {} : { 'deployment.environment.name': config.environment }),
    }),
    serviceName: options.serviceName,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [spanProcessor],
    metricReaders: [metricReader],
    // Logs go through pino to stdout; the SDK must not start its own log export.
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    mode,
    enabled: true,
    describe: () => describeTelemetryConfig(config),
    async forceFlush() {
      await Promise.all([spanProcessor.forceFlush(), metricReader.forceFlush()]);
    },
    shutdown() {
      stopped ??= (async () => {
        try {
          await sdk.shutdown();
        } finally {
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
          if (running === handle) running = undefined;
        }
      })();
      return stopped;
    },
  };
  running = handle;
  return handle;
}

function disabledHandle(config: TelemetryConfig): TelemetryHandle {
  return {
    mode: 'off',
    enabled: false,
    describe: () => describeTelemetryConfig(config),
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}

function spanProcessorFor(
  mode: Exclude<TelemetryMode, 'off'>,
  config: TelemetryConfig,
  override: SpanExporter | undefined,
): SpanProcessor {
  if (override) return new SimpleSpanProcessor(override);
  switch (mode) {
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'otlp':
      return new BatchSpanProcessor(
        new OTLPTraceExporter({
          url: config.tracesEndpoint ?? signalUrl(config.endpoint, 'traces'),
          headers: parseOtlpHeaders(config.headers),
          timeoutMillis: config.timeoutMs,
        }),
      );
  }
}

function metricExporterFor(
  mode: Exclude<TelemetryMode, 'off'>,
  config: TelemetryConfig,
): PushMetricExporter {
  switch (mode) {
    case 'console':
      return new ConsoleMetricExporter();
    case 'otlp':
      return new OTLPMetricExporter({
        url: config.metricsEndpoint ?? signalUrl(config.endpoint, 'metrics'),
        headers: parseOtlpHeaders(config.headers),
        timeoutMillis: config.timeoutMs,
      });
  }
}

/** A tracer from the global provider (no-op while telemetry is off). */
export function getTracer(scope: string = DEFAULT_SCOPE, version?: string): Tracer {
  return trace.getTracer(scope, version);
}

/** A meter from the global provider (no-op while telemetry is off). */
export function getMeter(scope: string = DEFAULT_SCOPE, version?: string): Meter {
  return metrics.getMeter(scope, version);
}

/**
 * Runs `fn` inside a new active span: logs written inside carry its trace id,
 * spans started inside become its children. A thrown error is recorded on the
 * span (message and stack scrubbed of credentials), sets ERROR status, and is
 * rethrown.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T> | T,
  tracer: Tracer = getTracer(),
): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error: unknown) {
      recordError(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span failed with a scrubbed description of the error. */
export function recordError(span: Span, error: unknown): void {
  const message = scrubText(error instanceof Error ? error.message : String(error));
  span.recordException({
    name: error instanceof Error ? error.name : 'Error',
    message,
    ...(error instanceof Error && error.stack !== undefined
      ? { stack: scrubText(error.stack) }
      : {}),
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
