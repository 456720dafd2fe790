import { KeelTokenAbi } from '@keel/abi';
import {
  type AnvilHandle,
  createTestDatabase,
  freePort,
  type ManagedProcess,
  startAnvil,
  startProcess,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { Client } from 'pg';
import {
  type Abi,
  type Address,
  encodeFunctionData,
  parseEventLogs,
  type PrivateKeyAccount,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchChain, deployKeel } from '@keel/testing';

const tokenAbi = KeelTokenAbi as Abi;

let anvil: AnvilHandle;
let db: TestDatabaseHandle;
let pg: Client;
let chain: BenchChain;
let token: Address;
let admin: PrivateKeyAccount;
let alice: PrivateKeyAccount;
let bob: PrivateKeyAccount;
let carol: PrivateKeyAccount;
let indexer: ManagedProcess | undefined;
let indexerUrl = '';

async function startIndexerProcess(throttleMs: number): Promise<ManagedProcess> {
  const port = await freePort();
  indexerUrl = `http://127.0.0.1:${port}`;
  const proc = startProcess({
    entry: 'services/indexer/src/main.ts',
    name: 'indexer',
    env: {
      KEEL_DATABASE_URL: db.url,
      KEEL_INDEXER_SOURCE: 'rpc',
      KEEL_CHAIN_ID: String(anvil.chainId),
      KEEL_RPC_URLS: anvil.rpcUrl,
      KEEL_INDEXER_BATCH_BLOCKS: '25',
      KEEL_INDEXER_THROTTLE_MS: String(throttleMs),
      KEEL_POLL_INTERVAL_MS: '100',
      KEEL_HTTP_PORT: String(port),
      KEEL_LOG_LEVEL: 'warn',
      OTEL_SDK_DISABLED: 'true',
    },
  });
  await waitUntil(
    'indexer health',
    async () => {
      try {
        return (await fetch(`${indexerUrl}/health`)).ok;
      } catch {
        return false;
      }
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${proc.output().slice(-3000)}`);
  });
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

/** Waits until the indexer has applied the current head block (by hash). */
async function waitForHead(): Promise<void> {
  const head = await chain.client.getBlock({ blockTag: 'latest' });
  await waitUntil(
    `indexer at head ${head.number}`,
    async () => {
      const cp = await checkpoint();
      return cp !== null && cp.number === head.number && cp.hash === head.hash.toLowerCase();
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${indexer?.output().slice(-3000) ?? ''}`);
  });
}

/** Every wallet that ever held the token, from its Transfer logs on chain. */
async function onChainHolders(): Promise<Address[]> {
  const logs = await chain.client.getLogs({ address: token, fromBlock: 0n, toBlock: 'latest' });
  const wallets = new Set<Address>();
  for (const l of parseEventLogs({ abi: KeelTokenAbi, logs, eventName: 'Transfer' })) {
    for (const w of [l.args.from, l.args.to])
      if (w !== '0x0000000000000000000000000000000000000000') wallets.add(w);
  }
  return [...wallets];
}

/** Indexed balances, frozen amounts and supply equal the chain's, for every holder. */
async function expectIndexMatchesChain(): Promise<void> {
  const holders = await onChainHolders();
  expect(holders.length).toBeGreaterThanOrEqual(3);
  const indexed = await pg.query<{ wallet: string; balance: string; frozen_amount: string }>(
    `SELECT wallet, balance::text AS balance, frozen_amount::text AS frozen_amount
       FROM ix_holder WHERE chain_id = $1 AND asset = $2`,
    [anvil.chainId, token.toLowerCase()],
  );
  const byWallet = new Map(indexed.rows.map((r) => [r.wallet, r]));
  expect(new Set(byWallet.keys())).toEqual(new Set(holders.map((h) => h.toLowerCase())));
  for (const wallet of holders) {
    const balance = (await chain.read(token, tokenAbi, 'balanceOf', [wallet])) as bigint;
    const frozen = (await chain.read(token, tokenAbi, 'getFrozenTokens', [wallet])) as bigint;
    const row = byWallet.get(wallet.toLowerCase());
    expect({ wallet, balance: row?.balance, frozen: row?.frozen_amount }).toEqual({
      wallet,
      balance: balance.toString(),
      frozen: frozen.toString(),
    });
  }
  const supply = (await chain.read(token, tokenAbi, 'totalSupply')) as bigint;
  const asset = await pg.query<{ total_supply: string }>(
    `SELECT total_supply::text AS total_supply FROM ix_asset WHERE chain_id = $1 AND address = $2`,
    [anvil.chainId, token.toLowerCase()],
  );
  expect(asset.rows[0]?.total_supply).toBe(supply.toString());
}

/** Each token log on chain is applied exactly once (ix_log's key forbids a second time). */
async function expectEveryTokenLogAppliedOnce(): Promise<void> {
  const logs = await chain.client.getLogs({ address: token, fromBlock: 0n, toBlock: 'latest' });
  const tracked = parseEventLogs({ abi: KeelTokenAbi, logs }).filter((l) =>
    [
      'Transfer',
      'TokensFrozen',
      'TokensUnfrozen',
      'AddressFrozen',
      'Paused',
      'Unpaused',
      'UpdatedTokenInformation',
      'IdentityRegistryAdded',
      'ComplianceAdded',
      'RoleGranted',
      'RoleRevoked',
      'IsinUpdated',
      'MetadataUpdated',
    ].includes(l.eventName),
  );
  const applied = await pg.query<{ block_number: string; log_index: number; block_hash: string }>(
    `SELECT block_number::text AS block_number, log_index, block_hash FROM ix_log
      WHERE chain_id = $1 AND address = $2 ORDER BY block_number, log_index`,
    [anvil.chainId, token.toLowerCase()],
  );
  expect(applied.rows.map((r) => `${r.block_number}:${r.log_index}:${r.block_hash}`)).toEqual(
    tracked.map((l) => `${l.blockNumber}:${l.logIndex}:${l.blockHash.toLowerCase()}`),
  );
}

async function send(from: PrivateKeyAccount, fn: string, args: readonly unknown[]): Promise<void> {
  await chain.send(from, token, tokenAbi, fn, args);
}

beforeAll(async () => {
  [anvil, db] = await Promise.all([
    startAnvil({ accounts: 5 }),
    createTestDatabase({ prefix: 'indexer' }),
  ]);
  const accounts = anvil.accounts.map((a) => privateKeyToAccount(a.privateKey));
  const [a0, a1, a2, a3, a4] = accounts;
  if (!a0 || !a1 || !a2 || !a3 || !a4) throw new Error('anvil gave too few accounts');
  [admin, alice, bob, carol] = [a0, a2, a3, a4];
  chain = new BenchChain(anvil.rpcUrl);
  const keel = await deployKeel(chain, { admin, claimSigner: a1, alice, bob, carol });
  token = (await keel.createToken('indexer', [])).address;
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

afterAll(async () => {
  await indexer?.stop();
  await pg?.end();
  await db?.drop();
  await anvil?.stop();
});

describe('indexer (rpc source, real process)', () => {
  it('indexes the real KeelToken: balances, frozen amounts and supply equal the chain', async () => {
    await send(admin, 'mint', [carol.address, 5_000n]);
    await send(alice, 'transfer', [bob.address, 1_234n]);
    await send(admin, 'freezePartialTokens', [bob.address, 1_000n]);
    await send(admin, 'burn', [alice.address, 777n]);
    await send(admin, 'setAddressFrozen', [carol.address, true]);
    indexer = await startIndexerProcess(0);
    await waitForHead();
    await expectIndexMatchesChain();
    await expectEveryTokenLogAppliedOnce();

    const holders = (await (
      await fetch(`${indexerUrl}/api/v1/assets/${token}/holders?sort=balance&order=desc&limit=2`)
    ).json()) as {
      items: { wallet: string; balance: string; frozenAmount: string; addressFrozen: boolean }[];
      nextCursor: string | null;
      asOf: { blockNumber: string }[];
    };
    expect(holders.items).toHaveLength(2);
    expect(BigInt(holders.items[0]!.balance)).toBeGreaterThanOrEqual(
      BigInt(holders.items[1]!.balance),
    );
    expect(holders.nextCursor).not.toBeNull();
    const head = await chain.client.getBlockNumber({ cacheTime: 0 });
    expect(holders.asOf[0]?.blockNumber).toBe(head.toString());
    const rest = (await (
      await fetch(
        `${indexerUrl}/api/v1/assets/${token}/holders?sort=balance&order=desc&limit=2&cursor=${holders.nextCursor}`,
      )
    ).json()) as { items: { wallet: string; addressFrozen: boolean }[]; nextCursor: string | null };
    expect(rest.items.map((h) => h.wallet)).toEqual([carol.address.toLowerCase()]);
    expect(rest.items[0]?.addressFrozen).toBe(true);
    expect(rest.nextCursor).toBeNull();

    const get = async (path: string) => {
      const res = await fetch(`${indexerUrl}/api/v1${path}`);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const wallets = (body: Record<string, unknown>) =>
      (body['items'] as { wallet: string }[]).map((h) => h.wallet);
    const frozen = await get(`/assets/${token}/holders?frozen=true&sort=wallet&order=asc`);
    expect(wallets(frozen.body)).toEqual(
      [bob.address, carol.address].map((a) => a.toLowerCase()).sort(),
    );
    const notFrozen = await get(`/assets/${token}/holders?frozen=false`);
    expect(wallets(notFrozen.body)).toEqual([alice.address.toLowerCase()]);
    const rich = await get(`/assets/${token}/holders?minBalance=10000&sort=balance&order=asc`);
    expect(wallets(rich.body)).toEqual([alice.address, bob.address].map((a) => a.toLowerCase()));
    expect((await get(`/assets/${token}/holders?cursor=bogus`)).status).toBe(422);
    expect((await get(`/assets/${token}/holders?sort=size`)).status).toBe(422);
    expect((await get(`/assets/0x${'00'.repeat(20)}/holders`)).status).toBe(404);
    const list = await get(`/assets?chainId=${anvil.chainId}`);
    expect((list.body['items'] as { address: string }[]).map((a) => a.address)).toContain(
      token.toLowerCase(),
    );
    const asOf = list.body['asOf'] as { chainId: number; blockNumber: string }[];
    expect(asOf.map((a) => [a.chainId, a.blockNumber])).toEqual([[anvil.chainId, head.toString()]]);

    const asset = (await (await fetch(`${indexerUrl}/api/v1/assets/${token}`)).json()) as {
      asset: { symbol: string; paused: boolean; holderCount: number; roles: unknown[] };
    };
    expect(asset.asset.paused).toBe(false);
    expect(asset.asset.holderCount).toBe(3);
    expect(asset.asset.roles.length).toBeGreaterThan(0);

    const identity = (await (
      await fetch(`${indexerUrl}/api/v1/identities/${bob.address}`)
    ).json()) as {
      registrations: { identity: string; country: number | null; claims: { topic: string }[] }[];
    };
    expect(identity.registrations).toHaveLength(1);
    expect(identity.registrations[0]?.country).toBe(840);
    expect(identity.registrations.some((r) => r.claims.some((c) => c.topic === '1'))).toBe(true);
  });

  it('survives SIGKILL mid-block-range: resumes, applies nothing twice, balances equal the chain', async () => {
    await indexer?.stop();
    indexer = undefined;
    const start = (await checkpoint())!.number;
    // Many blocks (automine: one transaction per block) for the restarted indexer to work through.
    await send(admin, 'unfreezePartialTokens', [bob.address, 400n]);
    await send(admin, 'setAddressFrozen', [carol.address, false]);
    for (let i = 0; i < 30; i++) {
      await send(alice, 'transfer', [i % 2 === 0 ? bob.address : carol.address, BigInt(100 + i)]);
      if (i === 10) await send(admin, 'mint', [carol.address, 10_000n]);
      if (i === 20) await send(admin, 'burn', [bob.address, 50n]);
    }
    const head = await chain.client.getBlockNumber({ cacheTime: 0 });
    // Throttled so the kill lands inside a 25-block range.
    indexer = await startIndexerProcess(150);
    await waitUntil(
      'indexer mid-range',
      async () => ((await checkpoint())?.number ?? 0n) >= start + 5n,
      {
        timeoutMs: 60_000,
        intervalMs: 20,
      },
    );
    indexer.kill('SIGKILL');
    await indexer.exited;
    const killedAt = (await checkpoint())!.number;
    expect(killedAt).toBeGreaterThan(start);
    expect(killedAt).toBeLessThan(head);

    indexer = await startIndexerProcess(0);
    await waitForHead();
    await expectIndexMatchesChain();
    await expectEveryTokenLogAppliedOnce();
  });

  it('follows an anvil_reorg: effects of rolled-back blocks are undone, the new branch applied', async () => {
    // Blocks that will be re-orged out: a mint to carol, a transfer to bob, a freeze.
    await send(admin, 'mint', [carol.address, 999_999n]);
    await send(alice, 'transfer', [bob.address, 55_555n]);
    await send(admin, 'freezePartialTokens', [carol.address, 1_000n]);
    await waitForHead();
    const carolBefore = await pg.query<{ balance: string }>(
      `SELECT balance::text AS balance FROM ix_holder WHERE asset = $1 AND wallet = $2`,
      [token.toLowerCase(), carol.address.toLowerCase()],
    );
    const carolOnChain = (await chain.read(token, tokenAbi, 'balanceOf', [
      carol.address,
    ])) as bigint;
    expect(carolBefore.rows[0]?.balance).toBe(carolOnChain.toString());

    // Replace the last 3 blocks: one transfer alice -> carol instead.
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
    await chain.rpc('anvil_reorg', [3, [[replacement, 0]]]);
    const carolAfterReorg = (await chain.read(token, tokenAbi, 'balanceOf', [
      carol.address,
    ])) as bigint;
    expect(carolAfterReorg).toBe(carolOnChain - 999_999n + 4_321n);
    await waitForHead();
    expect(indexer?.output()).toMatch(/rolled back a re-orged block/);
    await expectIndexMatchesChain();
    await expectEveryTokenLogAppliedOnce();
    // The undo journal kept only the blocks still inside the reorg window.
    const orphans = await pg.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ix_log l
        WHERE NOT EXISTS (SELECT 1 FROM ix_block b WHERE b.chain_id = l.chain_id AND b.block_number = l.block_number AND b.block_hash = l.block_hash)`,
    );
    expect(orphans.rows[0]?.n).toBe('0');
  });
});
