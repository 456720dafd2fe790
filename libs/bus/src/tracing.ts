import {
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  trace,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// W3C trace context is the wire format regardless of the globally registered
// propagator, so a trace crosses services even when one of them runs without
// an SDK (a no-op tracer still forwards the incoming context).
const propagator = new W3CTraceContextPropagator();
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<Readonly<Record<string, string>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

export const tracer = () => trace.getTracer('@keel/bus');

export function injectTraceHeaders(ctx: Context, headers: Record<string, string>): void {
  propagator.inject(ctx, headers, setter);
}

export function extractTraceContext(headers: Readonly<Record<string, string>>): Context {
  return propagator.extract(ROOT_CONTEXT, headers, getter);
}

/** The current traceparent, for stamping an event envelope; null when untraced. */
export function currentTraceparent(ctx: Context = context.active()): string | null {
  const carrier: Record<string, string> = {};
  injectTraceHeaders(ctx, carrier);
  return carrier['traceparent'] ?? null;
}

/** Context carrying the trace of an envelope's traceparent (or the root). */
export function contextFromTraceparent(traceparent: string | null): Context {
  return traceparent ? extractTraceContext({ traceparent }) : ROOT_CONTEXT;
}

/** A producer span, child of `parent`. */
export function startPublishSpan(topic: string, parent: Context, eventId: string): Span {
  return tracer().startSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': topic,
        'messaging.message.id': eventId,
      },
    },
    parent,
  );
}

/**
 * A consumer span: child of the producer span (one trace follows the
 * operation across services) and linked to it, as OpenTelemetry messaging
 * conventions recommend.
 */
export function startProcessSpan(
  topic: string,
  group: string,
  headers: Readonly<Record<string, string>>,
  attributes: Record<string, string | number>,
): { span: Span; ctx: Context } {
  const parent = extractTraceContext(headers);
  const producer = trace.getSpanContext(parent);
  const links: Link[] = producer ? [{ context: producer }] : [];
  const span = tracer().startSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      links,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': group,
        ...attributes,
      },
    },
    parent,
  );
  return { span, ctx: trace.setSpan(parent, span) };
}
