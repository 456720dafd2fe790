import { decodeEvent } from '@keel/events';
import { describe, expect, it } from 'vitest';
import {
  deriveIngressSigningKey,
  ingressBodySchema,
  ingressSignature,
  InvalidApiKeyError,
  signIngressBody,
  signIngressMessage,
  verifyIngressSignature,
} from './index';

// Pinned vector (computed independently with Python's hmac/hashlib; README.md repeats it for
// producers in other languages).
const secret = 's'.repeat(43);
const apiKey = `keel_producer01_${secret}`;
const body =
  '{"messageId":"m-1","correlationId":"c-1","request":{"type":"token.mint","params":{"asset":"0x5FbDB2315678afecb367f032d93F642f64180aa3","to":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","amount":"1000"}}}';

describe('ingress signing', () => {
  it('derives the signing key with HKDF-SHA256 and signs <timestamp>.<body> (pinned vector)', () => {
    const key = deriveIngressSigningKey(secret);
    expect(key.toString('hex')).toBe(
      '6408fcbd7e1501f96b2afd3fe4e22411ce116b30903d8b2da73adbc255109421',
    );
    expect(ingressSignature(key, 1_700_000_000, body)).toBe(
      '90a45d2ef1b6347a6b751f2433427bea6de90870885ae16ce374b8bc748f3ec6',
    );
  });

  it('verifies only the exact body, timestamp and key', () => {
    const key = deriveIngressSigningKey(secret);
    const sig = ingressSignature(key, 1_700_000_000, body);
    expect(verifyIngressSignature(key, 1_700_000_000, body, sig)).toBe(true);
    expect(verifyIngressSignature(key, 1_700_000_001, body, sig)).toBe(false);
    expect(verifyIngressSignature(key, 1_700_000_000, `${body} `, sig)).toBe(false);
    expect(
      verifyIngressSignature(deriveIngressSigningKey('t'.repeat(43)), 1_700_000_000, body, sig),
    ).toBe(false);
    expect(verifyIngressSignature(key, 1_700_000_000, body, sig.toUpperCase())).toBe(false);
    expect(verifyIngressSignature(key, 1_700_000_000, body, 'ab')).toBe(false);
  });

  it('wraps the signed body in a valid envelope keyed by the correlation id', () => {
    const signed = signIngressBody(apiKey, {
      organizationId: 'org-a',
      correlationId: 'c-1',
      body,
      timestamp: 1_700_000_000,
    });
    expect(signed.key).toBe('c-1');
    expect(signed.headers['keel-correlation-id']).toBe('c-1');
    const event = decodeEvent('keel.ingress.operations.v1', signed.value);
    expect(event.correlationId).toBe('c-1');
    expect(event.organizationId).toBe('org-a');
    expect(event.payload).toEqual({
      apiKeyId: 'producer01',
      timestamp: 1_700_000_000,
      body,
      signature: '90a45d2ef1b6347a6b751f2433427bea6de90870885ae16ce374b8bc748f3ec6',
    });
    expect(signed.value).not.toContain(secret);
  });

  it('builds the body from an operation request with a fresh message id', () => {
    const request = { type: 'token.mint', params: { amount: '1' } };
    const a = signIngressMessage(apiKey, { organizationId: 'o', correlationId: 'c', request });
    const b = signIngressMessage(apiKey, { organizationId: 'o', correlationId: 'c', request });
    expect(a.messageId).not.toBe(b.messageId);
    const parsed = ingressBodySchema.parse(JSON.parse(a.event.payload.body));
    expect(parsed).toEqual({ messageId: a.messageId, correlationId: 'c', request });
    expect(Math.abs(a.event.payload.timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(() =>
      signIngressMessage('not-a-key', { organizationId: 'o', correlationId: 'c', request }),
    ).toThrow(InvalidApiKeyError);
  });
});
