import { describe, expect, it } from 'vitest';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores a salted scrypt hash that verifies only the same password', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(stored).not.toContain('horse');
    expect(await hasher.verify('correct horse battery staple', stored)).toBe(true);
    expect(await hasher.verify('correct horse battery stapl', stored)).toBe(false);
    expect(await hasher.hash('correct horse battery staple')).not.toBe(stored);
  });

  it('says no, in about the same time, when there is no stored hash', async () => {
    const stored = await hasher.hash('a password of some length');
    const t0 = performance.now();
    await hasher.verify('a password of some length', stored);
    const known = performance.now() - t0;
    expect(await hasher.verify('anything', null)).toBe(false); // warms the dummy hash
    const t1 = performance.now();
    expect(await hasher.verify('anything', undefined)).toBe(false);
    const unknown = performance.now() - t1;
    expect(unknown).toBeGreaterThan(known / 4);
  });

  it('says no to malformed stored values', async () => {
    expect(await hasher.verify('x', 'plain')).toBe(false);
    expect(await hasher.verify('x', 'scrypt$0$8$1$a$b')).toBe(false);
  });
});
