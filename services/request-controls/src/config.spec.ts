import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '@keel/config';
import { describe, expect, it } from 'vitest';
import { decodeEncryptionKey, requestControlsVariables } from './config';

// Only this variable: the others are covered where they are defined.
const load = (env: Record<string, string>) =>
  loadConfig('request-controls', { encryptionKey: requestControlsVariables.encryptionKey }, env);

const base = {};

describe('REQUEST_CONTROLS_ENCRYPTION_KEY', () => {
  it('accepts base64 and base64url of 32 bytes and nothing else', () => {
    const raw = randomBytes(32);
    expect(decodeEncryptionKey(raw.toString('base64'))?.equals(raw)).toBe(true);
    expect(decodeEncryptionKey(raw.toString('base64url'))?.equals(raw)).toBe(true);
    expect(decodeEncryptionKey(randomBytes(16).toString('base64'))).toBeNull();
    expect(decodeEncryptionKey(raw.toString('hex'))).toBeNull();
  });

  it('is loaded as bytes, optional, and refused with a fix that does not echo it', () => {
    const raw = randomBytes(32);
    const loaded = load({
      ...base,
      REQUEST_CONTROLS_ENCRYPTION_KEY: raw.toString('base64'),
    });
    expect(loaded.encryptionKey?.equals(raw)).toBe(true);
    expect(load(base).encryptionKey).toBeNull();
    const bad = 'c2hvcnQ=';
    let error: unknown;
    try {
      load({ ...base, REQUEST_CONTROLS_ENCRYPTION_KEY: bad });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = (error as Error).message;
    expect(text).toContain('REQUEST_CONTROLS_ENCRYPTION_KEY');
    expect(text).toContain('openssl rand -base64 32');
    expect(text).not.toContain(bad);
  });
});
