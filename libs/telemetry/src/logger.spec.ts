import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerConfig } from './logger';
import { REDACTED } from './redaction';

/** A pino destination that keeps every line for assertions. */
function capture(config: Partial<LoggerConfig> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'svc-test', version: '1.2.3', ...config, destination });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, records, raw: () => lines.join('\n') };
}

// Distinct values so a leak is found by a plain substring search of the output.
const S = {
  privateKey: '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318',
  mnemonic: 'test test test test test test test test test test test junk',
  password: 'hunter2-password-value',
  pin: '739146',
  otp: '402917',
  totpSecret: 'JBSWY3DPEHPK3PXP-totp',
  apiKeySecret: 'sk_live_api_secret_value',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.bearer-token-value',
  cookie: 'session=cookie-session-value',
  backupCode: 'backup-code-7777-8888',
  masterKey: 'master-key-aabbccddeeff',
  refreshToken: 'refresh-token-value-123',
  signature: '0xsignature-over-challenge-value',
  dbPassword: 'db-url-password-value',
} as const;

function expectNoSecret(output: string) {
  for (const [name, secret] of Object.entries(S)) {
    expect(output, `${name} leaked`).not.toContain(secret);
  }
}

describe('createLogger', () => {
  it('writes JSON lines with service, version, level label and ISO time', () => {
    const { logger, records } = capture();
    logger.info({ operationId: 'op-1' }, 'operation accepted');
    const [line] = records();
    expect(line).toMatchObject({
      level: 'info',
      service: 'svc-test',
      version: '1.2.3',
      operationId: 'op-1',
      msg: 'operation accepted',
    });
    expect(new Date(line!['time'] as string).toISOString()).toBe(line!['time']);
    expect(line).not.toHaveProperty('trace_id');
  });

  it('honours the level', () => {
    const { logger, lines } = capture({ level: 'warn' });
    logger.info('dropped');
    logger.warn('kept');
    expect(lines).toHaveLength(1);
  });

  it('redacts secrets at the top level and at any nesting depth', () => {
    const { logger, raw, records } = capture();
    logger.info({
      privateKey: S.privateKey,
      pin: S.pin,
      wallet: { mnemonic: S.mnemonic, otp: S.otp },
      user: { settings: { totpSecret: S.totpSecret, backupCodes: [S.backupCode] } },
      request: { body: { credentials: { password: S.password } } },
      a: { b: { c: { masterKey: S.masterKey } } },
      apiKeys: [{ id: 'k1', apiKeySecret: S.apiKeySecret }],
      session: { refresh_token: S.refreshToken },
      approval: { signature: S.signature },
      job: { data: { payload: { signer: { custody: { key: { PRIVATE_KEY: S.privateKey } } } } } },
    });
    expectNoSecret(raw());
    const [line] = records();
    expect(line).toMatchObject({
      privateKey: REDACTED,
      wallet: { mnemonic: REDACTED, otp: REDACTED },
      user: { settings: { totpSecret: REDACTED, backupCodes: REDACTED } },
      apiKeys: [{ id: 'k1', apiKeySecret: REDACTED }],
    });
  });

  it('redacts credential headers on requests and responses', () => {
    const { logger, raw, records } = capture();
    logger.info({
      req: {
        method: 'POST',
        headers: {
          authorization: `Bearer ${S.bearer}`,
          cookie: S.cookie,
          'x-api-key': S.apiKeySecret,
          'content-type': 'application/json',
        },
      },
      res: { headers: { 'set-cookie': S.cookie } },
      upstream: { request: { headers: { Authorization: `Bearer ${S.bearer}` } } },
    });
    expectNoSecret(raw());
    expect(records()[0]).toMatchObject({
      req: { headers: { authorization: REDACTED, 'content-type': 'application/json' } },
    });
  });

  it('logs an error message and stack but not secrets attached to the error', () => {
    const { logger, raw, records } = capture();
    class CustodyError extends Error {}
    const error = Object.assign(new CustodyError('custody backend rejected the request'), {
      code: 'E_CUSTODY',
      config: { headers: { Authorization: `Bearer ${S.bearer}` }, data: { pin: S.pin } },
      privateKey: S.privateKey,
      wallet: { mnemonic: S.mnemonic },
    });
    logger.error(error);
    logger.error({ err: error, operationId: 'op-9' }, 'signing failed');
    logger.error({ error }, 'signing failed again');
    expectNoSecret(raw());
    const [first, second, third] = records();
    expect(first).toMatchObject({
      msg: 'custody backend rejected the request',
      err: {
        type: 'CustodyError',
        message: 'custody backend rejected the request',
        code: 'E_CUSTODY',
      },
    });
    expect((first!['err'] as { stack: string }).stack).toContain('logger.spec.ts');
    expect(second).toMatchObject({ operationId: 'op-9', err: { code: 'E_CUSTODY' } });
    expect(third).toMatchObject({ error: { type: 'CustodyError' } });
    expect(first!['err']).not.toHaveProperty('config');
  });

  it('scrubs credentials from error messages, causes and log messages', () => {
    const { logger, raw, records } = capture();
    const cause = new Error(`connect failed: postgres://keel:${S.dbPassword}@db:5432/keel`);
    const error = new Error(`upstream said: {"privateKey":"${S.privateKey}"}`, { cause });
    logger.error(error);
    logger.warn(`retrying with Authorization: Bearer ${S.bearer} and pin=${S.pin}`);
    expectNoSecret(raw());
    const [line] = records();
    expect(line).toMatchObject({ err: { cause: { type: 'Error' } } });
    expect(JSON.stringify(line)).toContain('postgres://[REDACTED]@db:5432/keel');
  });

  it('redacts secrets bound on child loggers', () => {
    const { logger, raw, records } = capture();
    const child = logger.child({ requestId: 'r-1', session: { accessToken: S.bearer } });
    child.info('from child');
    child.child({ wallet: { pin: S.pin } }).info('from grandchild');
    expectNoSecret(raw());
    expect(records()[0]).toMatchObject({ requestId: 'r-1', session: { accessToken: REDACTED } });
    expect(records()[1]).toMatchObject({ requestId: 'r-1', wallet: { pin: REDACTED } });
  });

  it('does not mutate the logged object', () => {
    const { logger } = capture();
    const payload = { user: { password: S.password } };
    logger.info(payload);
    expect(payload.user.password).toBe(S.password);
  });

  it('accepts extra keys to redact', () => {
    const { logger, raw } = capture({ redactKeys: ['kycDocumentNumber'] });
    logger.info({ investor: { kycDocumentNumber: 'X1234567-doc' } });
    expect(raw()).not.toContain('X1234567-doc');
  });
});
