import { EventBus, KafkaBusDriver } from '@keel/bus';
import {
  attachSignature,
  serializeUnsignedTransaction,
  signingHashOf,
  transactionHashOf,
} from '@keel/chain';
import type { PayloadOf } from '@keel/events';
import {
  type AnvilHandle,
  createTestDatabase,
  freePort,
  startAnvil,
  startTestKafka,
  startProcess,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { Client } from 'pg';
import { type Address, createPublicClient, http } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
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

  it('completes a broadcast exactly once when SIGKILLed after the node accepted it, before its hash was stored', async () => {
    const [kafka, crashDb] = await Promise.all([
      startTestKafka(),
      createTestDatabase({ prefix: 'chain_gateway_crash' }),
    ]);
    const bus = new EventBus(
      new KafkaBusDriver({ brokers: kafka.brokers, clientId: 'cg-crash-test' }),
    );
    const receipts: PayloadOf<'keel.receipt.v1'>[] = [];
    const sub = await bus.subscribe({
      group: 'cg-crash-test',
      handlers: { 'keel.receipt.v1': async (e) => void receipts.push(e.payload) },
    });
    const chain = createPublicClient({ transport: http(anvil.rpcUrl) });
    const pg = new Client({ connectionString: crashDb.url });
    const port = await freePort();
    const env = {
      KEEL_DATABASE_URL: crashDb.url,
      KEEL_CHAIN_RPC_URLS: `31337=${anvil.rpcUrl}`,
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(port),
      KEEL_POLL_INTERVAL_MS: '200',
    };
    const healthy = (what: string) =>
      waitUntil(
        what,
        async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok ?? false,
        { timeoutMs: 90_000, intervalMs: 250 },
      );
    // Test only: KEEL_FAULT is honoured under NODE_ENV=test (the harness sets it).
    const crashing = startProcess({
      entry: 'services/chain-gateway/src/main.ts',
      name: 'chain-gateway-crash',
      env: { ...env, KEEL_FAULT: 'crash-after-broadcast' },
    });
    let restarted: ReturnType<typeof startProcess> | undefined;
    try {
      await sub.ready;
      await healthy('chain-gateway (crashing) health');
      const sender = privateKeyToAccount(anvil.accounts[3]!.privateKey);
      const recipient: Address = privateKeyToAccount(anvil.accounts[4]!.privateKey).address;
      const nonce = await chain.getTransactionCount({ address: sender.address });
      const recipientBefore = await chain.getBalance({ address: recipient });
      const unsigned = serializeUnsignedTransaction({
        chainId: 31337,
        nonce,
        to: recipient,
        data: '0x',
        value: 12_345n,
        gas: 21_000n,
        maxFeePerGas: 5_000_000_000n,
        maxPriorityFeePerGas: 1_000_000n,
      });
      const raw = attachSignature(
        unsigned,
        await sign({
          hash: signingHashOf(unsigned),
          privateKey: anvil.accounts[3]!.privateKey,
          to: 'hex',
        }),
      );
      const hash = transactionHashOf(raw);
      await bus.publish(
        'keel.broadcast.requested.v1',
        {
          operationId: 'op-crash-after-broadcast',
          transactionIndex: 0,
          chainId: 31337,
          from: sender.address,
          nonce: String(nonce),
          rawTransaction: raw,
          hash,
        },
        { organizationId: 'org-crash', correlationId: 'op-crash-after-broadcast' },
      );

      // The node accepted (and anvil mined) the bytes; the process died before its commit.
      expect(await crashing.exited).toBeNull();
      expect((await chain.getTransactionReceipt({ hash })).status).toBe('success');
      await pg.connect();
      const stored = async () =>
        Number(
          (
            await pg.query<{ n: string }>(
              'SELECT count(*) AS n FROM cg_transaction WHERE hash = $1',
              [hash],
            )
          ).rows[0]!.n,
        );
      expect(await stored()).toBe(0);
      expect(receipts).toEqual([]);

      // Restarted without the fault: the redelivered request derives the same hash from the
      // bytes, finds the transaction on chain and continues confirmation; nothing is sent twice.
      restarted = startProcess({
        entry: 'services/chain-gateway/src/main.ts',
        name: 'chain-gateway-restarted',
        env,
      });
      await healthy('chain-gateway (restarted) health');
      await waitUntil(
        'success receipt after the restart',
        async () => receipts.some((r) => r.hash === hash && r.status === 'success'),
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      expect(receipts.every((r) => r.hash === hash && r.status === 'success')).toBe(true);
      expect(receipts[0]).toMatchObject({
        operationId: 'op-crash-after-broadcast',
        from: sender.address,
        nonce: String(nonce),
      });
      expect(await stored()).toBe(1);
      expect(await chain.getTransactionCount({ address: sender.address })).toBe(nonce + 1);
      expect((await chain.getBalance({ address: recipient })) - recipientBefore).toBe(12_345n);
      restarted.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    } finally {
      await crashing.stop();
      await restarted?.stop();
      await pg.end().catch(() => undefined);
      await sub.stop();
      await bus.close();
      await kafka.stop();
      await crashDb.drop();
    }
  }, 300_000);

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
