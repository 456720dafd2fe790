import { randomBytes } from 'node:crypto';
import { deriveIngressSigningKey } from '@keel/ingress-client';
import { describe, expect, it } from 'vitest';
import { SecretBox } from '../crypto/secret-box';
import { openIngressSigningKey, sealIngressSigningKey } from './ingress-signing-key';

describe('ingress signing key at rest', () => {
  const box = new SecretBox(randomBytes(32));
  const secret = 'q'.repeat(43);

  it('seals the key the producer derives, opening only for the same API key', () => {
    const sealed = sealIngressSigningKey(box, 'key00001', secret)!;
    expect(sealed).not.toContain(secret);
    expect(sealed).not.toContain(deriveIngressSigningKey(secret).toString('base64url'));
    expect(
      openIngressSigningKey(box, 'key00001', sealed).equals(deriveIngressSigningKey(secret)),
    ).toBe(true);
    expect(() => openIngressSigningKey(box, 'key00002', sealed)).toThrow();
  });

  it('seals nothing without an encryption key', () => {
    expect(sealIngressSigningKey(null, 'key00001', secret)).toBeNull();
  });
});
