import { createHash, randomBytes } from 'node:crypto';

const ACCESS_PREFIX = 'keel_at_';
const REFRESH_PREFIX = 'keel_rt_';
const TOKEN_PATTERN = /^keel_(at|rt)_[0-9A-Za-z_-]{43}$/;

/** A new opaque token (256 random bits); only its hash is stored. */
export function newToken(kind: 'access' | 'refresh'): string {
  return `${kind === 'access' ? ACCESS_PREFIX : REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token: SHA-256 (the token is random, so no slow hash is needed). */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Whether the value has the shape of a token of this kind (checked before any lookup). */
export function isToken(value: string, kind: 'access' | 'refresh'): boolean {
  const m = TOKEN_PATTERN.exec(value);
  return m !== null && m[1] === (kind === 'access' ? 'at' : 'rt');
}
