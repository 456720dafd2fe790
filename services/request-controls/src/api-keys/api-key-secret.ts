import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^keel_([0-9a-z]{8,32})_([0-9A-Za-z_-]{32,128})$/;

export interface ParsedApiKey {
  readonly id: string;
  readonly secret: string;
}

/** Splits `keel_<id>_<secret>`; null when the value cannot be a Keel key. */
export function parseApiKey(value: string): ParsedApiKey | null {
  const m = KEY_PATTERN.exec(value);
  if (!m) return null;
  return { id: m[1]!, secret: m[2]! };
}

/** A new key: the id is public (shown in listings), the secret is shown once. */
export function generateApiKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(10).toString('hex').slice(0, 16);
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `keel_${id}_${secret}` };
}

/**
 * The secret is 256 random bits, so a fast hash is enough (no dictionary to
 * slow down); only the hash is stored.
 */
export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const candidate = hashSecret(secret);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}
