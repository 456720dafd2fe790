import { deriveIngressSigningKey } from '@keel/ingress-client';
import type { SecretBox } from '../crypto/secret-box';

/** Binds a sealed ingress key to its API key: a value copied to another key's row does not open. */
const aadOf = (apiKeyId: string) => `api-key-ingress:${apiKeyId}`;

/**
 * Derives the ingress signing key of a new API key from its secret (the only
 * moment request controls sees the secret) and seals it for storage. Null
 * without an encryption key: that API key then cannot sign ingress messages.
 */
export function sealIngressSigningKey(
  box: SecretBox | null,
  apiKeyId: string,
  secret: string,
): string | null {
  if (!box) return null;
  return box.seal(deriveIngressSigningKey(secret), aadOf(apiKeyId));
}

/** The ingress signing key of an API key, from its sealed form; throws if it does not open. */
export function openIngressSigningKey(box: SecretBox, apiKeyId: string, sealed: string): Buffer {
  return box.open(sealed, aadOf(apiKeyId));
}
