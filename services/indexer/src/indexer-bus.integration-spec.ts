import { KeelTokenAbi } from '@keel/abi';
import {
  type AnvilHandle,
  createTestDatabase,
  freePort,
  type TestKafka,
  type ManagedProcess,
  startAnvil,
  startTestKafka,
  startProcess,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { Client } from 'pg';
import { type Abi, type Address, encodeFunctionData, type PrivateKeyAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchChain, deployKeel } from '@keel/testing';

// The bus source end to end: anvil → chain-gateway (its own process, publishing
// keel.chain.logs.v1 through its outbox) → the librdkafka mock Kafka cluster →
// the indexer (its own process, inbox-deduped consumer).

const tokenAbi = KeelTokenAbi as Abi;

let anvil: AnvilHandle;
let kafka: TestKafka;
let gatewayDb: TestDatabaseHandle;
let indexerDb: TestDatabaseHandle;
let pg: Client;
let chain: BenchChain;
let token: Address;
let admin: PrivateKeyAccount;
let alice: PrivateKeyAccount;
let bob: PrivateKeyAccount;
let carol: PrivateKeyAccount;
let chainGateway: ManagedProcess | undefined;
let indexer: ManagedProcess | undefined;

async function healthy(proc: ManagedProcess, port: number): Promise<void> {
  await waitUntil(
    `${proc.pid} health`,
    async () => {
      try {
        return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${proc.output().slice(-3000)}`);
  });
}

async function startIndexerProcess(): Promise<ManagedProcess> {
  const port = await freePort();
  const proc = startProcess({
    entry: 'services/indexer/src/main.ts',
    name: 'indexer',
    env: {
      KEEL_DATABASE_URL: indexerDb.url,
      KEEL_INDEXER_SOURCE: 'bus',
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(port),
      KEEL_LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    },
  });
  await healthy(proc, port);
  return proc;
}

async function checkpoint(): Promise<{ number: bigint; hash: string | null } | null> {
  const rows = await pg.query<{ block_number: string; block_hash: string | null }>(
    `SELECT block_number, block_hash FROM ix_checkpoint WHERE chain_id = $1`,
    [anvil.chainId],
  );
  const row = rows.rows[0];
  return row ? { number: BigInt(row.block_number), hash: row.block_hash } : null;
}

/** Every block here carries token logs, so the stream's last block is the head. */
async function waitForHead(): Promise<void> {
  const head = await chain.client.getBlock({ blockTag: 'latest' });
  await waitUntil(
    `indexer at head ${head.number}`,
    async () => {
      const cp = await checkpoint();
      return cp !== null && cp.number === head.number && cp.hash === head.hash.toLowerCase();
    },
    { timeoutMs: 90_000, intervalMs: 200 },
  ).catch((err: unknown) => {
    throw new Error(
      `${(err as Error).message}\n--- indexer\n${indexer?.output().slice(-2000) ?? ''}\n--- chain-gateway\n${chainGateway?.output().slice(-2000) ?? ''}`,
    );
  });
}

async function expectBalancesMatchChain(): Promise<void> {
  const indexed = await pg.query<{ wallet: string; balance: string; frozen_amount: string }>(
    `SELECT wallet, balance::text AS balance, frozen_amount::text AS frozen_amount
       FROM ix_holder WHERE chain_id = $1 AND asset = $2`,
    [anvil.chainId, token.toLowerCase()],
  );
  expect(indexed.rows.length).toBe(3);
  for (const row of indexed.rows) {
    const balance = (await chain.read(token, tokenAbi, 'balanceOf', [row.wallet])) as bigint;
    const frozen = (await chain.read(token, tokenAbi, 'getFrozenTokens', [row.wallet])) as bigint;
    expect({ wallet: row.wallet, balance: row.balance, frozen: row.frozen_amount }).toEqual({
      wallet: row.wallet,
      balance: balance.toString(),
      frozen: frozen.toString(),
    });
  }
  const supply = (await chain.read(token, tokenAbi, 'totalSupply')) as bigint;
  const asset = await pg.query<{ total_supply: string }>(
    `SELECT total_supply::text AS total_supply FROM ix_asset WHERE address = $1`,
    [token.toLowerCase()],
  );
  expect(asset.rows[0]?.total_supply).toBe(supply.toString());
}

async function send(from: PrivateKeyAccount, fn: string, args: readonly unknown[]): Promise<void> {
  await chain.send(from, token, tokenAbi, fn, args);
}

beforeAll(async () => {
  [anvil, kafka, gatewayDb, indexerDb] = await Promise.all([
    startAnvil({ accounts: 5 }),
    startTestKafka(),
    createTestDatabase({ prefix: 'ix_chain_gateway' }),
    createTestDatabase({ prefix: 'indexer_bus' }),
  ]);
  const [a0, a1, a2, a3, a4] = anvil.accounts.map((a) => privateKeyToAccount(a.privateKey));
  if (!a0 || !a1 || !a2 || !a3 || !a4) throw new Error('anvil gave too few accounts');
  [admin, alice, bob, carol] = [a0, a2, a3, a4];
  chain = new BenchChain(anvil.rpcUrl);
  const keel = await deployKeel(chain, { admin, claimSigner: a1, alice, bob, carol });
  token = (await keel.createToken('indexer-bus', [])).address;
  pg = new Client({ connectionString: indexerDb.url });
  await pg.connect();

  const port = await freePort();
  chainGateway = startProcess({
    entry: 'services/chain-gateway/src/main.ts',
    name: 'chain-gateway',
    env: {
      KEEL_DATABASE_URL: gatewayDb.url,
      KEEL_CHAIN_RPC_URLS: `${anvil.chainId}=${anvil.rpcUrl}`,
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(port),
      KEEL_POLL_INTERVAL_MS: '150',
      KEEL_LOGS_FROM_BLOCK: '0',
      KEEL_LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    },
  });
  await healthy(chainGateway, port);
});

afterAll(async () => {
  await indexer?.stop();
  await chainGateway?.stop();
  await pg?.end();
  await Promise.all([gatewayDb?.drop(), indexerDb?.drop()]);
  await kafka?.stop();
  await anvil?.stop();
});

describe('indexer (bus source: chain-gateway log stream over Kafka)', () => {
  it('indexes the stream, survives SIGKILL and a reorg; balances equal the chain', async () => {
    await send(alice, 'transfer', [bob.address, 1_234n]);
    await send(admin, 'mint', [carol.address, 5_000n]);
    await send(admin, 'freezePartialTokens', [bob.address, 1_000n]);
    indexer = await startIndexerProcess();
    await waitForHead();
    await expectBalancesMatchChain();

    // SIGKILL while the stream is being consumed, then restart: the inbox and the
    // checkpoint moved with the read models, so redelivered blocks change nothing.
    for (let i = 0; i < 15; i++) await send(alice, 'transfer', [carol.address, BigInt(10 + i)]);
    indexer.kill('SIGKILL');
    await indexer.exited;
    indexer = await startIndexerProcess();
    await waitForHead();
    await expectBalancesMatchChain();
    const applied = await pg.query<{ n: string; d: string }>(
      `SELECT count(*)::text AS n, count(DISTINCT (block_number, log_index))::text AS d FROM ix_log`,
    );
    expect(applied.rows[0]?.n).toBe(applied.rows[0]?.d);

    // A reorg replacing the last two blocks: the chain-gateway publishes their removal,
    // the indexer rolls them back and applies the replacement.
    await send(admin, 'mint', [bob.address, 777_777n]);
    await send(alice, 'transfer', [bob.address, 3_333n]);
    await waitForHead();
    const replacement = {
      from: alice.address,
      to: token,
      data: encodeFunctionData({
        abi: KeelTokenAbi,
        functionName: 'transfer',
        args: [carol.address, 4_321n],
      }),
      gas: '0x7a120',
    };
    await chain.rpc('anvil_reorg', [2, [[replacement, 0]]]);
    // anvil_reorg leaves the head height unchanged; one more block lets the stream move past it.
    await send(admin, 'mint', [alice.address, 1n]);
    await waitForHead();
    expect(indexer.output()).toMatch(/rolled back a re-orged block/);
    await expectBalancesMatchChain();
  });
});
