import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from './bus';
import { InProcessBroker, InProcessBusDriver } from './in-process/in-process-driver';
import { waitFor } from './test-support/bus-contract';

describe('trace context across the bus', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const cm = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(cm.enable());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('links publish and consume spans, and one trace follows the operation through a second hop', async () => {
    const broker = new InProcessBroker();
    const bus = new EventBus(new InProcessBusDriver(broker));
    let hop2Done = false;
    await bus.subscribe({
      group: 'execution-engine',
      handlers: {
        'keel.operation.accepted.v1': async (e, ctx) => {
          // The event this handler causes carries the consume span's trace.
          await bus.publish(
            'keel.operation.status.v1',
            {
              operationId: e.payload.operationId,
              status: 'QUEUED',
              previousStatus: 'RECEIVED',
              sequence: 1,
              at: new Date().toISOString(),
            },
            {
              organizationId: e.organizationId,
              correlationId: e.correlationId,
              causationId: e.id,
              traceparent: ctx.traceparent,
            },
          );
        },
      },
    });
    await bus.subscribe({
      group: 'gateway',
      handlers: {
        'keel.operation.status.v1': () => {
          hop2Done = true;
          return Promise.resolve();
        },
      },
    });
    const root = provider.getTracer('test').startSpan('POST /api/v1/operations');
    await context.with(trace.setSpan(context.active(), root), () =>
      bus.publish(
        'keel.operation.accepted.v1',
        {
          operationId: 'op-1',
          operationType: 'token.mint',
          params: {},
          acceptedAt: new Date().toISOString(),
        },
        { organizationId: 'org', correlationId: 'op-1' },
      ),
    );
    root.end();
    await waitFor('second hop', () => hop2Done, 5_000);
    await bus.close();
    broker.close();
    await new Promise((r) => setTimeout(r, 20));

    const spans = exporter.getFinishedSpans();
    const traceId = root.spanContext().traceId;
    expect(spans.every((s) => s.spanContext().traceId === traceId)).toBe(true);
    const byName = (n: string) => spans.find((s) => s.name === n)!;
    const pub1 = byName('keel.operation.accepted.v1 publish');
    const proc1 = byName('keel.operation.accepted.v1 process');
    const pub2 = byName('keel.operation.status.v1 publish');
    const proc2 = byName('keel.operation.status.v1 process');
    expect(pub1.kind).toBe(SpanKind.PRODUCER);
    expect(proc1.kind).toBe(SpanKind.CONSUMER);
    expect(pub1.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(proc1.parentSpanContext?.spanId).toBe(pub1.spanContext().spanId);
    expect(proc1.links[0]?.context.spanId).toBe(pub1.spanContext().spanId);
    expect(pub2.parentSpanContext?.spanId).toBe(proc1.spanContext().spanId);
    expect(proc2.parentSpanContext?.spanId).toBe(pub2.spanContext().spanId);
    expect(proc1.attributes['messaging.consumer.group.name']).toBe('execution-engine');
  });
});
