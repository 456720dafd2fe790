import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, SecretBoxOpenError } from './secret-box';

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);

  it('opens what it sealed, for the same context only', () => {
    const secret = Buffer.from('ingress signing key bytes');
    const sealed = box.seal(secret, 'api-key-ingress:k1');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret.toString('base64url'));
    expect(box.open(sealed, 'api-key-ingress:k1').equals(secret)).toBe(true);
    expect(() => box.open(sealed, 'api-key-ingress:k2')).toThrow(SecretBoxOpenError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'api-key-ingress:k1')).toThrow(
      SecretBoxOpenError,
    );
  });

  it('seals the same value differently each time and refuses tampered or foreign forms', () => {
    const a = box.seal(Buffer.from('x'), 'c');
    const b = box.seal(Buffer.from('x'), 'c');
    expect(a).not.toBe(b);
    const [v, iv, ct, tag] = a.split('.') as [string, string, string, string];
    const flipped = Buffer.from(ct, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, flipped.toString('base64url'), tag].join('.'), 'c')).toThrow(
      SecretBoxOpenError,
    );
    expect(() => box.open('v2.a.b.c', 'c')).toThrow(SecretBoxOpenError);
    expect(() => box.open('not sealed', 'c')).toThrow(SecretBoxOpenError);
  });

  it('needs a 32-byte key', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});
