import { describe, expect, it } from 'vitest';
import {
  isSensitiveKey,
  MAX_LOG_DEPTH,
  REDACTED,
  redactDeep,
  scrubText,
  sensitiveKeyMatcher,
  serializeError,
  TRUNCATED,
} from './redaction';

describe('redactDeep', () => {
  it('redacts sensitive keys at any depth, ignoring case, _ and -', () => {
    let deep: Record<string, unknown> = { PRIVATE_KEY: 'k-deep', keep: 1 };
    for (let i = 0; i < 9; i++) deep = { level: deep };
    const out = JSON.stringify(
      redactDeep({
        a: deep,
        headers: { 'X-Api-Key': 'k-header', Authorization: 'k-auth', 'content-type': 'json' },
        list: [{ backup_codes: ['k-b1', 'k-b2'] }, 'plain'],
        'Private-Key': 'k-kebab',
      }),
    );
    expect(out).not.toMatch(/k-(deep|header|auth|b1|b2|kebab)/);
    expect(out).toContain('"keep":1');
    expect(out).toContain('"content-type":"json"');
  });

  it('shares untouched branches and never mutates the input', () => {
    const clean = { id: 'op-1', nested: { amount: '10' } };
    expect(redactDeep(clean)).toBe(clean);
    const dirty = { clean: clean.nested, wallet: { pin: '1234' } };
    const out = redactDeep(dirty) as typeof dirty;
    expect(out.clean).toBe(clean.nested);
    expect(out.wallet.pin).toBe(REDACTED);
    expect(dirty.wallet.pin).toBe('1234');
  });

  it('serializes errors anywhere, and survives cycles and extreme depth', () => {
    const cyclic: Record<string, unknown> = { name: 'c' };
    cyclic['self'] = cyclic;
    let deep: Record<string, unknown> = { v: 'bottom' };
    for (let i = 0; i < MAX_LOG_DEPTH + 5; i++) deep = { d: deep };
    const error = Object.assign(new Error('nested failure'), { mnemonic: 'k-mnemonic' });
    const out = JSON.stringify(redactDeep({ cyclic, deep, detail: { error } }));
    expect(out).toContain('[Circular]');
    expect(out).toContain(TRUNCATED);
    expect(out).toContain('nested failure');
    expect(out).not.toContain('k-mnemonic');
  });

  it('walks class instances but leaves values with toJSON to their own serializer', () => {
    class Session {
      constructor(readonly sessionToken: string) {}
    }
    const when = new Date(0);
    const out = redactDeep({ session: new Session('k-session'), when }) as Record<string, unknown>;
    expect(out['session']).toEqual({ sessionToken: REDACTED });
    expect(out['when']).toBe(when);
  });

  it('accepts extra keys', () => {
    const isSensitive = sensitiveKeyMatcher(['kycDocumentNumber']);
    expect(isSensitive('KYC_DOCUMENT_NUMBER')).toBe(true);
    expect(isSensitiveKey('kycDocumentNumber')).toBe(false);
    expect(isSensitiveKey('tokenAddress')).toBe(false);
    expect(isSensitiveKey('set-cookie')).toBe(true);
  });
});

describe('scrubText', () => {
  it.each([
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['postgres://keel:s3cret@db/keel', 's3cret'],
    ['password=hunter2&user=x', 'hunter2'],
    ['{"privateKey":"0xabc123"}', '0xabc123'],
    ["apiKey: 'k-123'", 'k-123'],
    ['wallet PIN: 123456', '123456'],
    ['totp=987654', '987654'],
  ])('removes the secret from %s', (text, secret) => {
    const out = scrubText(text);
    expect(out).not.toContain(secret);
    expect(out).toContain(REDACTED);
  });

  it('keeps ordinary text, including chain hashes and token ids', () => {
    const text = 'tx 0x' + 'ab'.repeat(32) + ' tokenId=5 for operation op-1';
    expect(scrubText(text)).toBe(text);
  });
});

describe('serializeError', () => {
  it('keeps type, message, stack, code, status and causes; drops everything else', () => {
    class CustodyError extends Error {
      readonly status = 403;
      readonly request = { headers: { authorization: 'Bearer secret' } };
    }
    const error = new CustodyError('denied', { cause: new Error('policy') });
    const out = serializeError(error);
    expect(out).toMatchObject({
      type: 'CustodyError',
      message: 'denied',
      status: 403,
      cause: { type: 'Error', message: 'policy' },
    });
    expect(Object.keys(out as object).sort()).toEqual([
      'cause',
      'message',
      'stack',
      'status',
      'type',
    ]);
  });

  it('serializes AggregateError members and bounds the depth of causes', () => {
    let deep: Error = new Error('level-0');
    for (let i = 1; i < 10; i++) deep = new Error(`level-${i}`, { cause: deep });
    const out = serializeError(new AggregateError([deep, 'plain'], 'many'));
    expect(JSON.stringify(out)).not.toContain('level-5');
    expect(out).toMatchObject({
      type: 'AggregateError',
      errors: [{ message: 'level-9' }, 'plain'],
    });
  });

  it('withholds non-error values', () => {
    expect(serializeError({ privateKey: '0x1' })).toEqual({
      type: 'object',
      message: '[non-error value withheld]',
    });
    expect(serializeError(null)).toMatchObject({ type: 'null' });
  });
});
