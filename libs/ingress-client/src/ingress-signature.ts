import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** HKDF `info` of the ingress signing key; a new scheme gets a new info string. */
export const INGRESS_HKDF_INFO = 'keel-ingress-hmac-v1';

/**
 * The key an ingress producer signs with, derived from its API key secret:
 * HKDF-SHA256(ikm = UTF-8 of the secret, salt = empty, info = "keel-ingress-hmac-v1", 32 bytes).
 * Request controls derives the same key when it issues the API key (the only
 * time it sees the secret) and keeps it encrypted; the secret itself is stored
 * only as a hash.
 */
export function deriveIngressSigningKey(apiKeySecret: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(apiKeySecret, 'utf8'), Buffer.alloc(0), INGRESS_HKDF_INFO, 32),
  );
}

/** Lowercase hex HMAC-SHA256 over `<timestamp>.<body>` (timestamp in Unix seconds, body bytes as sent). */
export function ingressSignature(signingKey: Buffer, timestamp: number, body: string): string {
  return createHmac('sha256', signingKey).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** Constant-time check of a presented signature. */
export function verifyIngressSignature(
  signingKey: Buffer,
  timestamp: number,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(ingressSignature(signingKey, timestamp, body), 'hex');
  const presented = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : null;
  return presented !== null && timingSafeEqual(expected, presented);
}
