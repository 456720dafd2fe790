import { describe, expect, it } from 'vitest';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-secret';

describe('API key secrets', () => {
  it('generates keys that parse back to their id and secret, and stores only a hash', () => {
    const k = generateApiKey();
    expect(parseApiKey(k.key)).toEqual({ id: k.id, secret: k.secret });
    const stored = hashSecret(k.secret);
    expect(stored.toString('hex')).not.toContain(k.secret);
    expect(secretMatches(k.secret, stored)).toBe(true);
    expect(secretMatches(`${k.secret}x`, stored)).toBe(false);
  });
  it('refuses values that cannot be keys', () => {
    expect(parseApiKey('')).toBeNull();
    expect(parseApiKey('keel_short_secret')).toBeNull();
    expect(parseApiKey(`bearer_abcdefgh_${'x'.repeat(40)}`)).toBeNull();
  });
});
