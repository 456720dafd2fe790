import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config';
import { shapes, variable } from './variables';

const spec = {
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description: 'PostgreSQL connection URL',
    fix: 'set it to e.g. postgres://keel@127.0.0.1:5432/keel',
  }),
  port: variable({
    env: 'KEEL_PORT',
    schema: shapes.port(),
    description: 'HTTP port',
    fix: 'set it to a free TCP port such as 8080',
    default: 8080,
  }),
  masterKey: variable({
    env: 'KEEL_MASTER_KEY',
    schema: shapes.hex32(),
    description: 'keystore master key',
    fix: 'generate one with `openssl rand -hex 32`',
    sensitive: true,
  }),
  otel: variable({
    env: 'KEEL_OTEL',
    schema: shapes.boolean(),
    description: 'enable OpenTelemetry export',
    fix: 'set true or false',
    default: false,
  }),
};

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const c = loadConfig('svc', spec, {
      KEEL_DATABASE_URL: 'postgres://a@b/c',
      KEEL_MASTER_KEY: 'ab'.repeat(32),
      KEEL_OTEL: 'yes',
    });
    expect(c.port).toBe(8080);
    expect(c.otel).toBe(true);
    expect(c.databaseUrl).toBe('postgres://a@b/c');
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reports every problem with the variable, the reason and the fix', () => {
    let err: unknown;
    try {
      loadConfig('svc', spec, { KEEL_PORT: 'abc', KEEL_MASTER_KEY: 'not-hex-secret-value' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const ce = err as ConfigError;
    expect(ce.problems.map((p) => p.env).sort()).toEqual([
      'KEEL_DATABASE_URL',
      'KEEL_MASTER_KEY',
      'KEEL_PORT',
    ]);
    expect(ce.message).toContain('KEEL_DATABASE_URL: is not set');
    expect(ce.message).toContain('fix: set it to e.g. postgres://');
    expect(ce.message).toContain('KEEL_PORT');
    expect(ce.message).toContain('"abc"');
    // the sensitive value is never echoed
    expect(ce.message).not.toContain('not-hex-secret-value');
    expect(ce.message).toContain('openssl rand -hex 32');
  });

  it('rejects a URL with the wrong protocol', () => {
    expect(() =>
      loadConfig('svc', spec, {
        KEEL_DATABASE_URL: 'mysql://x@y/z',
        KEEL_MASTER_KEY: 'ab'.repeat(32),
      }),
    ).toThrow(/must use one of the protocols: postgres, postgresql/);
  });

  it('describeConfig redacts sensitive variables', () => {
    const secret = 'cd'.repeat(32);
    const c = loadConfig('svc', spec, {
      KEEL_DATABASE_URL: 'postgres://a@b/c',
      KEEL_MASTER_KEY: secret,
    });
    const view = describeConfig(spec, c);
    expect(view['KEEL_MASTER_KEY']).toBe('[redacted]');
    expect(view['KEEL_PORT']).toBe(8080);
    expect(JSON.stringify(view)).not.toContain(secret);
  });
});
