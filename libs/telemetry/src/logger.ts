import { isSpanContextValid, trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Level, type Logger, type LoggerOptions } from 'pino';
import { redactDeep, scrubText, sensitiveKeyMatcher, serializeError } from './redaction';

export type { Logger } from 'pino';

export type LogLevel = Level | 'silent';

export interface LoggerConfig {
  /** Service name, written as `service` on every line (e.g. `execution-engine`). */
  service: string;
  /** Service version, written as `version`. */
  version?: string;
  /** Minimum level; `info` unless given (see `KEEL_LOG_LEVEL` in `loadTelemetryConfig`). */
  level?: LogLevel;
  /** More keys to redact, added to the built-in list (matched the same way). */
  redactKeys?: readonly string[];
  /** Static fields written on every line (e.g. `{ mode: 'embedded' }`). */
  base?: Record<string, unknown>;
  /** Where lines go; stdout unless given. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

/**
 * Creates the pino logger every Keel process uses: one JSON object per line
 * with `level` (label), ISO `time`, `service`, `version`, and `trace_id` /
 * `span_id` when a span is active. Sensitive keys and headers at any depth,
 * error attachments and credentials in messages are redacted (see
 * `redaction.ts`).
 */
export function createLogger(config: LoggerConfig): Logger {
  const isSensitive = sensitiveKeyMatcher(config.redactKeys);
  const redact = (fields: Record<string, unknown>) =>
    redactDeep(fields, isSensitive) as Record<string, unknown>;
  const options: LoggerOptions = {
    level: config.level ?? 'info',
    base: {
      ...config.base,
      service: config.service,
      ...(config.version === undefined ? {} : { version: config.version }),
    },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    errorKey: 'err',
    formatters: {
      level: (label) => ({ level: label }),
      // Fields of each line and the root's bindings, before serialization.
      log: redact,
      bindings: redact,
    },
    serializers: { err: serializeError, error: serializeError },
    mixin: traceFields,
    hooks: {
      // Messages are free text, which the key walk never sees.
      logMethod(args: unknown[], method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a));
        // Without a message pino uses the error's own message, unscrubbed.
        const error = errorIn(scrubbed[0]);
        if (scrubbed.length === 1 && error) scrubbed.push(scrubText(error.message));
        return method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  const logger = config.destination ? pino(options, config.destination) : pino(options);
  // pino applies formatters.bindings to the root only; children inherit this
  // override (they are created with the root as prototype) and redact theirs.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each logger as `this`
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redact(bindings), childOptions);
  } as Logger['child'];
  return logger;
}

/** Correlates a log line with the active OpenTelemetry span, if any. */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return {};
  return {
    trace_id: ctx.traceId,
    span_id: ctx.spanId,
    trace_flags: `0${ctx.traceFlags.toString(16)}`,
  };
}

function errorIn(first: unknown): Error | undefined {
  if (first instanceof Error) return first;
  if (typeof first === 'object' && first !== null) {
    const err = (first as { err?: unknown }).err;
    if (err instanceof Error) return err;
  }
  return undefined;
}
