import { ConfigError } from '@keel/config';
import { describe, expect, it } from 'vitest';
import { loadTransactionSignerConfig } from './config';

const base = { KEEL_DATABASE_URL: 'postgres://keel@127.0.0.1:5432/ts' };

describe('transaction-signer config', () => {
  it('parses RPC upstreams per chain', () => {
    const c = loadTransactionSignerConfig({
      ...base,
      KEEL_CHAIN_RPC_URLS: '31337=http://a:1,http://b:2; 1=https://rpc.example/key',
    });
    expect(c.rpcUrls).toEqual({
      31337: ['http://a:1', 'http://b:2'],
      1: ['https://rpc.example/key'],
    });
    expect(c.stuckAfterMs).toBe(60_000);
  });

  it('refuses malformed upstream lists without echoing them', () => {
    let err: unknown;
    try {
      loadTransactionSignerConfig({ ...base, KEEL_CHAIN_RPC_URLS: 'x=ftp://secret-key@host' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('KEEL_CHAIN_RPC_URLS');
    expect((err as Error).message).not.toContain('secret-key');
  });
});
