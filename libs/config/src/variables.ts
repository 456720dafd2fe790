import { z } from 'zod';

/**
 * One configuration variable: where it comes from, what it must look like,
 * and how to fix it when it is wrong. `sensitive` variables are never printed.
 */
export interface ConfigVariable<T> {
  /** Environment variable name, e.g. `KEEL_DATABASE_URL`. */
  readonly env: string;
  readonly schema: z.ZodType<T>;
  readonly description: string;
  /** Shown when the value is missing or invalid. */
  readonly fix: string;
  readonly sensitive?: boolean;
  readonly default?: T;
}

export function variable<T>(spec: ConfigVariable<T>): ConfigVariable<T> {
  return spec;
}

/** Ready-made shapes for the kinds of values Keel services take. */
export const shapes = {
  string: () => z.string().min(1, 'must not be empty'),
  url: (protocols: readonly string[]) =>
    z
      .string()
      .url('must be a URL')
      .refine(
        (v) => protocols.some((p) => v.startsWith(`${p}:`)),
        `must use one of the protocols: ${protocols.join(', ')}`,
      ),
  port: () => z.coerce.number().int('must be an integer').min(1).max(65_535),
  positiveInt: () => z.coerce.number().int('must be an integer').positive('must be > 0'),
  nonNegativeInt: () => z.coerce.number().int('must be an integer').nonnegative('must be >= 0'),
  boolean: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  csv: () =>
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      )
      .refine((v) => v.length > 0, 'must list at least one value'),
  hex32: () =>
    z.string().regex(/^(0x)?[0-9a-fA-F]{64}$/, 'must be 32 bytes as 64 hexadecimal characters'),
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.enum(values, { message: `must be one of: ${values.join(', ')}` }),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of: fatal, error, warn, info, debug, trace, silent',
    }),
} as const;
