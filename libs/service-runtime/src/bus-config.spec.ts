import { loadConfig } from '@keel/config';
import { describe, expect, it } from 'vitest';
import { busVariables, kafkaClientOptions } from './bus-config';

const load = (env: Record<string, string>) => loadConfig('test', busVariables, env);

describe('Kafka client options', () => {
  it('is plain TCP without SASL when nothing is set', () => {
    expect(kafkaClientOptions(load({}))).toEqual({});
  });

  it('uses TLS and SCRAM-SHA-512 with the KafkaUser credentials', () => {
    const config = load({
      KEEL_KAFKA_SSL: 'true',
      KEEL_KAFKA_USERNAME: 'gateway',
      KEEL_KAFKA_PASSWORD: 's3cret',
    });
    expect(kafkaClientOptions(config)).toEqual({
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'gateway', password: 's3cret' },
    });
  });

  it('refuses a user without a password', () => {
    expect(() => kafkaClientOptions(load({ KEEL_KAFKA_USERNAME: 'gateway' }))).toThrow(
      /set together/,
    );
  });
});
