import type { RawMessage } from '@keel/bus';
import { describe, expect, it } from 'vitest';
import { addresseeOf } from './answer-dead-letter.usecase';

const raw = (over: Partial<RawMessage>): RawMessage => ({
  topic: 'keel.ingress.operations.v1.dlq',
  partition: 0,
  offset: '0',
  key: null,
  value: null,
  headers: {},
  timestamp: '0',
  ...over,
});

describe('addresseeOf (who answers a dead-lettered ingress message)', () => {
  it('reads the envelope first, then the Keel headers, then the Kafka key', () => {
    expect(
      addresseeOf(
        raw({
          key: 'k',
          value: JSON.stringify({ correlationId: 'from-envelope', organizationId: 'org-a' }),
          headers: { 'keel-correlation-id': 'from-header' },
        }),
      ),
    ).toEqual({ correlationId: 'from-envelope', organizationId: 'org-a' });
    expect(
      addresseeOf(
        raw({
          key: 'k',
          value: 'not json',
          headers: { 'keel-correlation-id': 'from-header', 'keel-organization-id': 'org-b' },
        }),
      ),
    ).toEqual({ correlationId: 'from-header', organizationId: 'org-b' });
    expect(addresseeOf(raw({ key: 'from-key', value: '[1,2]' }))).toEqual({
      correlationId: 'from-key',
      organizationId: 'unknown',
    });
  });

  it('answers nobody when no usable correlation id is there', () => {
    expect(addresseeOf(raw({ value: '{"correlationId": 42}' }))).toBeNull();
    expect(addresseeOf(raw({ key: '', value: null }))).toBeNull();
    expect(addresseeOf(raw({ key: 'x'.repeat(129), value: null }))).toBeNull();
  });
});
