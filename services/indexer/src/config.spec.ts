import { ConfigError } from '@keel/config';
import { describe, expect, it } from 'vitest';
import { loadIndexerConfig } from './config';

const base = { KEEL_DATABASE_URL: 'postgres://u@127.0.0.1:5432/indexer' };

describe('indexer configuration', () => {
  it('defaults to the bus source', () => {
    expect(loadIndexerConfig(base).source).toBe('bus');
  });

  it('refuses the rpc source without a chain and upstreams', () => {
    expect(() => loadIndexerConfig({ ...base, KEEL_INDEXER_SOURCE: 'rpc' })).toThrow(ConfigError);
  });

  it('accepts the rpc source with a chain and upstreams', () => {
    const config = loadIndexerConfig({
      ...base,
      KEEL_INDEXER_SOURCE: 'rpc',
      KEEL_CHAIN_ID: '31337',
      KEEL_RPC_URLS: 'http://127.0.0.1:8545',
    });
    expect(config.rpcUrls).toEqual(['http://127.0.0.1:8545']);
  });
});
