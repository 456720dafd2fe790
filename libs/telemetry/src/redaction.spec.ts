import { describe, expect, it } from 'vitest';
import { buildRedactPaths, REDACTED, scrubText, serializeError } from './redaction';

describe('buildRedactPaths', () => {
  it('covers each key from the top level to three levels deep, and headers', () => {
    const paths = buildRedactPaths(['custom']);
    for (const p of ['privateKey', '*.privateKey', '*.*.privateKey', '*.*.*.privateKey']) {
      expect(paths).toContain(p);
    }
    expect(paths).toContain('*.*.*.custom');
    expect(paths).toContain('headers["authorization"]');
    expect(paths).toContain('*.headers["Authorization"]');
    expect(paths).toContain('*.*.headers["set-cookie"]');
    expect(new Set(paths).size).toBe(paths.length);
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
    expect(Object.keys(out as object).sort()).toEqual(['cause', 'message', 'stack', 'status', 'type']);
  });

  it('serializes AggregateError members and bounds the depth of causes', () => {
    let deep: Error = new Error('level-0');
    for (let i = 1; i < 10; i++) deep = new Error(`level-${i}`, { cause: deep });
    const out = serializeError(new AggregateError([deep, 'plain'], 'many'));
    expect(JSON.stringify(out)).not.toContain('level-5');
    expect(out).toMatchObject({ type: 'AggregateError', errors: [{ message: 'level-9' }, 'plain'] });
  });

  it('withholds non-error values', () => {
    expect(serializeError({ privateKey: '0x1' })).toEqual({
      type: 'object',
      message: '[non-error value withheld]',
    });
    expect(serializeError(null)).toMatchObject({ type: 'null' });
  });
});
