import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Level, Logger } from 'pino';

const NEST_TO_PINO: Record<NestLogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

const PINO_ORDER: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

// Nest passes a stack trace as a plain string argument to `error()`.
const STACK_LIKE = /^.*\n\s+at .+/;

/**
 * NestJS `LoggerService` that writes through a Keel pino logger, so framework
 * lines (bootstrap, route mapping, exceptions) are JSON with the same fields
 * and redaction as application lines. Use with
 * `NestFactory.create(AppModule, { logger: new NestLogger(logger) })` or
 * `app.useLogger(...)`.
 *
 * Follows Nest's calling convention: the last string argument is the context
 * (e.g. `RoutesResolver`); for `error()` a stack-shaped string is the stack.
 */
export class NestLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    // A child, so setLogLevels() from Nest does not change the shared logger.
    this.logger = logger.child({});
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Enables exactly the most verbose of the given Nest levels and above. */
  setLogLevels(levels: NestLogLevel[]): void {
    const enabled = levels.map((l) => NEST_TO_PINO[l]);
    const lowest = PINO_ORDER.find((l) => enabled.includes(l));
    this.logger.level = lowest ?? 'silent';
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    if (rest.length > 0 && typeof rest[rest.length - 1] === 'string') {
      const last = rest[rest.length - 1] as string;
      // A lone string after an error message may be a stack, not a context.
      if (!(level === 'error' && STACK_LIKE.test(last))) {
        fields['context'] = last;
        rest.pop();
      }
    }
    let stack: string | undefined;
    if (level === 'error' && typeof rest[0] === 'string' && STACK_LIKE.test(rest[0])) {
      stack = rest.shift() as string;
    }
    if (rest.length > 0) fields['params'] = rest;

    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (stack !== undefined) {
      const text = typeof message === 'string' ? message : safeString(message);
      this.logger[level]({ ...fields, err: { type: 'Error', message: text, stack } }, text);
    } else if (typeof message === 'object' && message !== null) {
      // Structured messages keep their fields so redact paths apply to them.
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, safeString(message));
    }
  }
}

function safeString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return value.toString();
  }
  return Object.prototype.toString.call(value);
}
