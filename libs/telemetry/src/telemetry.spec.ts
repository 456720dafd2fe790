import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { ConfigError } from '@keel/config';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentRepository } from './instrument-repository';
import { createLogger } from './logger';
import { getMeter, getTracer, startTelemetry, type TelemetryHandle, withSpan } from './telemetry';
import {
  loadTelemetryConfig,
  parseOtlpHeaders,
  resolveTelemetryMode,
  signalUrl,
} from './telemetry-config';

const UNDER_TEST = { VITEST: 'true', NODE_ENV: 'test' };

let handle: TelemetryHandle | undefined;
afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
});

function inMemory() {
  const spans = new InMemorySpanExporter();
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  return { spans, metrics };
}

function metricNamed(exporter: InMemoryMetricExporter, name: string): MetricData | undefined {
  return exporter
    .getMetrics()
    .flatMap((rm) => rm.scopeMetrics)
    .flatMap((sm) => sm.metrics)
    .filter((m) => m.descriptor.name === name)
    .at(-1);
}

describe('startTelemetry under test', () => {
  it('is off when VITEST is set, even with exporters supplied', async () => {
    const mem = inMemory();
    handle = startTelemetry({
      serviceName: 'svc',
      env: { VITEST: 'true' },
      spanExporter: mem.spans,
      metricExporter: mem.metrics,
    });
    expect(handle).toMatchObject({ mode: 'off', enabled: false });
    await withSpan('noop', {}, () => 1);
    const span = getTracer().startSpan('direct');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(mem.spans.getFinishedSpans()).toHaveLength(0);
  });

  it('is off when NODE_ENV=test', () => {
    handle = startTelemetry({ serviceName: 'svc', env: { NODE_ENV: 'test' } });
    expect(handle.enabled).toBe(false);
  });

  it('is off when OTEL_SDK_DISABLED=true, even if KEEL_TELEMETRY asks for it', () => {
    handle = startTelemetry({
      serviceName: 'svc',
      env: { KEEL_TELEMETRY: 'otlp', OTEL_SDK_DISABLED: 'true' },
    });
    expect(handle.enabled).toBe(false);
  });
});

describe('resolveTelemetryMode', () => {
  const mode = (env: Record<string, string>) =>
    resolveTelemetryMode(loadTelemetryConfig('svc', env), env);

  it('outside tests exports over OTLP only when an endpoint is configured', () => {
    expect(mode({})).toBe('off');
    expect(mode({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('otlp');
    expect(mode({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toBe('otlp');
  });

  it('follows KEEL_TELEMETRY when set, also under tests', () => {
    expect(mode({ ...UNDER_TEST, KEEL_TELEMETRY: 'console' })).toBe('console');
    expect(mode({ ...UNDER_TEST, KEEL_TELEMETRY: 'otlp' })).toBe('otlp');
    expect(mode({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', KEEL_TELEMETRY: 'off' })).toBe(
      'off',
    );
    expect(mode({ ...UNDER_TEST, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('off');
  });
});

describe('telemetry configuration errors', () => {
  const problemsFor = (env: Record<string, string>) => {
    try {
      startTelemetry({ serviceName: 'svc', env: { ...UNDER_TEST, ...env } });
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  };

  it('names the variable, the problem and the fix', () => {
    const error = problemsFor({ KEEL_TELEMETRY: 'loud' });
    expect(error.problems).toEqual([
      expect.objectContaining({
        env: 'KEEL_TELEMETRY',
        problem: expect.stringContaining('must be one of: otlp, console, off') as unknown,
        fix: expect.stringContaining('otlp, console or off') as unknown,
      }),
    ]);
    expect(error.message).toContain('"loud"');
  });

  it('lists every bad variable at once', () => {
    const error = problemsFor({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector',
      KEEL_TRACE_SAMPLE_RATIO: '2',
      OTEL_METRIC_EXPORT_INTERVAL: '-5',
      KEEL_LOG_LEVEL: 'chatty',
      OTEL_SDK_DISABLED: 'maybe',
    });
    expect(error.problems.map((p) => p.env).sort()).toEqual([
      'KEEL_LOG_LEVEL',
      'KEEL_TRACE_SAMPLE_RATIO',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_METRIC_EXPORT_INTERVAL',
      'OTEL_SDK_DISABLED',
    ]);
    expect(error.message).toContain('must use one of the protocols: http, https');
  });

  it('never prints the value of the OTLP headers, which hold collector credentials', () => {
    const error = problemsFor({ OTEL_EXPORTER_OTLP_HEADERS: 'collector-api-key-value' });
    expect(error.problems[0]?.env).toBe('OTEL_EXPORTER_OTLP_HEADERS');
    expect(error.message).not.toContain('collector-api-key-value');
  });
});

describe('startTelemetry when asked for under test', () => {
  const start = (mem = inMemory()) => {
    handle = startTelemetry({
      serviceName: 'svc-traced',
      serviceVersion: '9.9.9',
      env: { ...UNDER_TEST, KEEL_TELEMETRY: 'otlp', KEEL_ENVIRONMENT: 'ci' },
      spanExporter: mem.spans,
      metricExporter: mem.metrics,
    });
    return mem;
  };

  it('records spans with attributes, parentage and the service resource', async () => {
    const { spans } = start();
    expect(handle).toMatchObject({ mode: 'otlp', enabled: true });
    const result = await withSpan('operation.prepare', { 'keel.operation_id': 'op-1' }, () =>
      withSpan('compliance.simulate', { 'keel.chain_id': 31337 }, () => Promise.resolve(42)),
    );
    expect(result).toBe(42);
    await handle!.forceFlush();
    const finished = spans.getFinishedSpans();
    const parent = finished.find((s) => s.name === 'operation.prepare')!;
    const child = finished.find((s) => s.name === 'compliance.simulate')!;
    expect(parent.attributes).toEqual({ 'keel.operation_id': 'op-1' });
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(parent.resource.attributes).toMatchObject({
      'service.name': 'svc-traced',
      'service.version': '9.9.9',
      'deployment.environment.name': 'ci',
    });
  });

  it('marks a failing span as ERROR with a scrubbed exception, and rethrows', async () => {
    const { spans } = start();
    await expect(
      withSpan('key.sign', {}, () => {
        throw new Error('custody refused: apiKey=custody-secret-value');
      }),
    ).rejects.toThrow('custody refused');
    await handle!.forceFlush();
    const [span] = spans.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(JSON.stringify(span?.events)).toContain('exception');
    expect(JSON.stringify([span?.events, span?.status])).not.toContain('custody-secret-value');
  });

  it('puts the active trace and span ids on log lines', async () => {
    start();
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ service: 'svc-traced', destination });
    let ids: { traceId: string; spanId: string } | undefined;
    await withSpan('operation.sign', {}, (span) => {
      ids = span.spanContext();
      logger.info('inside');
    });
    logger.info('outside');
    const [inside, outside] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({
      trace_id: ids?.traceId,
      span_id: ids?.spanId,
      trace_flags: '01',
    });
    expect(outside).not.toHaveProperty('trace_id');
  });

  it('records a histogram per repository method', async () => {
    const { metrics } = start();
    const journal = instrumentRepository(
      {
        find: (id: string) => Promise.resolve({ id }),
        fail: () => Promise.reject(new Error('no row')),
      },
      'OperationJournal',
    );
    await journal.find('a');
    await journal.find('b');
    await expect(journal.fail()).rejects.toThrow('no row');
    getMeter().createCounter('keel.test.counter').add(1);
    await handle!.forceFlush();

    const find = metricNamed(metrics, 'keel.repository.operation_journal.find.duration');
    expect(find?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(find?.descriptor.unit).toBe('ms');
    const findPoint = find?.dataPoints[0] as { value: { count: number }; attributes: object };
    expect(findPoint.value.count).toBe(2);
    expect(findPoint.attributes).toEqual({ outcome: 'ok' });
    const fail = metricNamed(metrics, 'keel.repository.operation_journal.fail.duration');
    expect(fail?.dataPoints[0]?.attributes).toEqual({ outcome: 'error' });
    expect(metricNamed(metrics, 'keel.test.counter')).toBeDefined();
  });

  it('refuses a second start and can start again after shutdown', async () => {
    start();
    expect(() => startTelemetry({ serviceName: 'again', env: UNDER_TEST })).toThrow(
      /already started/,
    );
    await handle!.shutdown();
    await handle!.shutdown();
    expect(trace.getTracer('x').startSpan('after').isRecording()).toBe(false);
    const { spans } = start();
    await withSpan('restarted', {}, () => undefined);
    await handle!.forceFlush();
    expect(spans.getFinishedSpans().map((s) => s.name)).toEqual(['restarted']);
  });
});

describe('OTLP/HTTP export configured by environment', () => {
  it('posts spans and metrics to the configured endpoint with the configured headers', async () => {
    const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      handle = startTelemetry({
        serviceName: 'svc-otlp',
        env: {
          ...UNDER_TEST,
          KEEL_TELEMETRY: 'otlp',
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
          OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=abc%3D123',
        },
      });
      await withSpan('exported.span', { 'keel.kind': 'otlp' }, () => undefined);
      getMeter().createCounter('keel.exported.counter').add(3);
      await handle.forceFlush();
      const traces = received.find((r) => r.url === '/v1/traces');
      const metricsPost = received.find((r) => r.url === '/v1/metrics');
      expect(traces?.body).toContain('exported.span');
      expect(traces?.headers['x-collector-key']).toBe('abc=123');
      expect(handle.describe()).toMatchObject({
        KEEL_TELEMETRY: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}/`,
      });
      expect(JSON.stringify(handle.describe())).not.toContain('abc%3D123');
      expect(metricsPost?.body).toContain('keel.exported.counter');
    } finally {
      await handle?.shutdown();
      handle = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('OTLP variable helpers', () => {
  it('parses headers and composes signal URLs', () => {
    expect(parseOtlpHeaders('a=1, b = x%20y ,bad')).toEqual({ a: '1', b: 'x y' });
    expect(parseOtlpHeaders(null)).toEqual({});
    expect(signalUrl('http://c:4318/', 'traces')).toBe('http://c:4318/v1/traces');
    expect(signalUrl(null, 'metrics')).toBeUndefined();
  });
});
