import { type Histogram, type Meter, ValueType } from '@opentelemetry/api';
import { getMeter } from './telemetry';

export interface InstrumentOptions {
  /** Meter to record with; the global `keel` meter at call time unless given. */
  meter?: () => Meter;
}

/**
 * Wraps a repository so every method call is timed by an OpenTelemetry
 * histogram of its own, named `keel.repository.<name>.<method>.duration`
 * (milliseconds, snake_case), with an `outcome` attribute of `ok` or `error`.
 * Async methods are timed until their promise settles. The repository itself
 * is not modified; methods run with the original object as `this`.
 *
 * Instruments are created on first use from the meter in force at that time,
 * so a repository built before `startTelemetry()` still reports afterwards.
 */
export function instrumentRepository<T extends object>(
  repository: T,
  name: string,
  options: InstrumentOptions = {},
): T {
  const meterOf = options.meter ?? (() => getMeter());
  const prefix = `keel.repository.${snakeCase(name)}`;
  // Per meter, so a provider registered later gets its own instruments.
  const histograms = new WeakMap<Meter, Map<string, Histogram>>();
  const wrappers = new WeakMap<object, (...args: unknown[]) => unknown>();

  const histogramFor = (method: string): Histogram => {
    const meter = meterOf();
    let byMethod = histograms.get(meter);
    if (!byMethod) {
      byMethod = new Map();
      histograms.set(meter, byMethod);
    }
    let histogram = byMethod.get(method);
    if (!histogram) {
      histogram = meter.createHistogram(`${prefix}.${snakeCase(method)}.duration`, {
        description: `Time spent in ${name}.${method}`,
        unit: 'ms',
        valueType: ValueType.DOUBLE,
      });
      byMethod.set(method, histogram);
    }
    return histogram;
  };

  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (
        typeof value !== 'function' ||
        typeof property !== 'string' ||
        property === 'constructor'
      ) {
        return value;
      }
      const method = value as (...args: unknown[]) => unknown;
      const cached = wrappers.get(method);
      if (cached) return cached;
      const wrapped = function timed(...args: unknown[]): unknown {
        const started = performance.now();
        const record = (outcome: 'ok' | 'error') =>
          histogramFor(property).record(performance.now() - started, { outcome });
        let result: unknown;
        try {
          result = method.apply(target, args);
        } catch (error: unknown) {
          record('error');
          throw error;
        }
        if (isPromiseLike(result)) {
          return result.then(
            (v) => {
              record('ok');
              return v;
            },
            (error: unknown) => {
              record('error');
              throw error;
            },
          );
        }
        record('ok');
        return result;
      };
      wrappers.set(method, wrapped);
      return wrapped;
    },
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function snakeCase(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9.]+/g, '_')
    .toLowerCase();
}
