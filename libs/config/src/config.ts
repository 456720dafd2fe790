import type { ConfigVariable } from './variables';

export type ConfigSpec = Record<string, ConfigVariable<unknown>>;

export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends ConfigVariable<infer T> ? T : never;
};

export interface ConfigProblem {
  readonly env: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Thrown at startup when configuration is missing or invalid. Lists every
 * problem at once (not just the first), each with the variable, what was wrong
 * and how to fix it. Never includes the value of a sensitive variable.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly service: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `${service}: invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'})\n` +
        problems.map((p) => `  - ${p.env}: ${p.problem}\n    fix: ${p.fix}`).join('\n'),
    );
  }
}

const REDACTED = '[redacted]';

/**
 * Reads and validates configuration from an environment map (process.env by
 * default). Returns a frozen, fully typed object.
 */
export function loadConfig<S extends ConfigSpec>(
  service: string,
  spec: S,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, v] of Object.entries(spec)) {
    const raw = env[v.env];
    if (raw === undefined || raw === '') {
      if ('default' in v && v.default !== undefined) {
        out[key] = v.default;
        continue;
      }
      problems.push({ env: v.env, problem: `is not set (${v.description})`, fix: v.fix });
      continue;
    }
    const parsed = v.schema.safeParse(raw);
    if (parsed.success) {
      out[key] = parsed.data;
    } else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown = v.sensitive ? '' : ` (got ${JSON.stringify(truncate(raw))})`;
      problems.push({ env: v.env, problem: `${why}${shown}`, fix: v.fix });
    }
  }
  if (problems.length > 0) throw new ConfigError(service, problems);
  return Object.freeze(out) as ConfigOf<S>;
}

/**
 * A printable view of loaded configuration for startup logs: sensitive values
 * are replaced, everything else is shown as loaded.
 */
export function describeConfig<S extends ConfigSpec>(
  spec: S,
  config: ConfigOf<S>,
): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(spec)) {
    view[v.env] = v.sensitive ? REDACTED : (config as Record<string, unknown>)[key];
  }
  return view;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
