import {
  type AnvilHandle,
  createTestDatabase,
  freePort,
  startAnvil,
  startProcess,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let anvil: AnvilHandle;
let db: TestDatabaseHandle;

beforeAll(async () => {
  [anvil, db] = await Promise.all([
    startAnvil(),
    createTestDatabase({ prefix: 'chain_gateway_main' }),
  ]);
});
afterAll(async () => {
  await anvil?.stop();
  await db?.drop();
});

describe('chain-gateway main', () => {
  it('runs as its own process (in-process bus), answers health and stops on SIGTERM', async () => {
    const port = await freePort();
    const proc = startProcess({
      entry: 'services/chain-gateway/src/main.ts',
      name: 'chain-gateway',
      env: {
        KEEL_DATABASE_URL: db.url,
        KEEL_CHAIN_RPC_URLS: `31337=${anvil.rpcUrl}`,
        KEEL_BUS_DRIVER: 'in-process',
        KEEL_HTTP_PORT: String(port),
      },
    });
    try {
      await waitUntil(
        'chain-gateway health',
        async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
      const chains = (await (
        await fetch(`http://127.0.0.1:${port}/health/chains`)
      ).json()) as Record<string, unknown[]>;
      expect(Object.keys(chains)).toEqual(['31337']);
      expect(proc.output()).toContain('"msg":"chain-gateway listening"');
      proc.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      await proc.stop();
    }
  });

  it('refuses to start with invalid configuration, naming each problem without echoing secrets', async () => {
    const proc = startProcess({
      entry: 'services/chain-gateway/src/main.ts',
      name: 'chain-gateway-bad',
      env: {
        KEEL_DATABASE_URL: 'mysql://user:hunter2@db/x',
        KEEL_CHAIN_RPC_URLS: 'nonsense-with-key-s3cr3t',
      },
    });
    expect(await proc.exited).toBe(1);
    const out = proc.output();
    expect(out).toContain('KEEL_DATABASE_URL');
    expect(out).toContain('KEEL_CHAIN_RPC_URLS');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain('s3cr3t');
  });
});
