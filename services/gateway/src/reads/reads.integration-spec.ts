import { problemSchema } from '@keel/operations';
import type { RunningService } from '@keel/service-runtime';
import {
  type AnvilHandle,
  BenchChain,
  createTestDatabase,
  deployKeel,
  freePort,
  type ManagedProcess,
  startAnvil,
  startProcess,
  TEST_INTERNAL_TOKEN,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { KeelTokenAbi } from '@keel/abi';
import { type Address, stringToHex } from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../bootstrap';

// The gateway in this process, proxying to a real indexer process (rpc source) that follows
// anvil carrying the real Keel system; request controls as its own process for the API key.
const ADMIN_KEY = `keel_readsadm1_${'r'.repeat(43)}`;
const READ_MAX_WAIT_MS = 1_500;

let anvil: AnvilHandle;
let rcDb: TestDatabaseHandle;
let ixDb: TestDatabaseHandle;
let requestControls: ManagedProcess;
let indexer: ManagedProcess;
let gateway: RunningService;
let base: string;
let token: Address;
let holders: { alice: Address; bob: Address; carol: Address };
let head: bigint;
let chain: BenchChain;
let accounts: { admin: PrivateKeyAccount; alice: PrivateKeyAccount };

async function get(path: string, key: string | null = ADMIN_KEY) {
  const res = await fetch(`${base}/api/v1${path}`, {
    headers: key === null ? {} : { 'x-api-key': key },
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
}

const indexedBlock = (body: Record<string, unknown>) =>
  BigInt((body['asOf'] as { blockNumber: string }[])[0]!.blockNumber);

function expectProblem(r: { status: number; body: unknown }, status: number, category: string) {
  expect(r.status).toBe(status);
  expect(problemSchema.parse(r.body).error.category).toBe(category);
}

beforeAll(async () => {
  [anvil, rcDb, ixDb] = await Promise.all([
    startAnvil({ accounts: 5 }),
    createTestDatabase({ prefix: 'gateway_reads_rc' }),
    createTestDatabase({ prefix: 'gateway_reads_ix' }),
  ]);
  const [admin, claimSigner, alice, bob, carol] = anvil.accounts.map((a) =>
    privateKeyToAccount(a.privateKey),
  );
  if (!admin || !claimSigner || !alice || !bob || !carol) throw new Error('too few accounts');
  holders = { alice: alice.address, bob: bob.address, carol: carol.address };
  chain = new BenchChain(anvil.rpcUrl);
  accounts = { admin, alice };
  const keel = await deployKeel(chain, { admin, claimSigner, alice, bob, carol });
  token = (await keel.createToken('reads', [])).address;
  head = await chain.client.getBlockNumber({ cacheTime: 0 });

  const [rcPort, ixPort] = [await freePort(), await freePort()];
  requestControls = startProcess({
    entry: 'services/request-controls/src/main.ts',
    name: 'request-controls',
    env: {
      KEEL_DATABASE_URL: rcDb.url,
      KEEL_HTTP_PORT: String(rcPort),
      KEEL_BUS_DRIVER: 'in-process',
      KEEL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEEL_BOOTSTRAP_ORGANIZATION: 'org-reads',
      KEEL_LOG_LEVEL: 'warn',
    },
  });
  indexer = startProcess({
    entry: 'services/indexer/src/main.ts',
    name: 'indexer',
    env: {
      KEEL_DATABASE_URL: ixDb.url,
      KEEL_INDEXER_SOURCE: 'rpc',
      KEEL_CHAIN_ID: String(anvil.chainId),
      KEEL_RPC_URLS: anvil.rpcUrl,
      KEEL_POLL_INTERVAL_MS: '100',
      KEEL_READ_MAX_WAIT_MS: String(READ_MAX_WAIT_MS),
      KEEL_HTTP_PORT: String(ixPort),
      KEEL_LOG_LEVEL: 'warn',
    },
  });
  gateway = await startGateway({
    KEEL_HTTP_PORT: String(await freePort()),
    KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
    KEEL_BUS_DRIVER: 'in-process',
    KEEL_REQUEST_CONTROLS_URL: `http://127.0.0.1:${rcPort}`,
    KEEL_EXECUTION_ENGINE_URL: 'http://127.0.0.1:9',
    KEEL_COMPLIANCE_SIMULATOR_URL: 'http://127.0.0.1:9',
    KEEL_INDEXER_URL: `http://127.0.0.1:${ixPort}`,
    KEEL_LOG_LEVEL: 'warn',
  });
  base = gateway.url;
  const probe = (port: number, path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`).then(
      (r) => r.ok,
      () => false,
    );
  await waitUntil('request controls ready', () => probe(rcPort, '/health/ready'), {
    timeoutMs: 60_000,
  });
  // The indexer has caught up with the chain as it was after the token's setup.
  await waitUntil(
    'indexer at head',
    async () => {
      const r = await get('/assets').catch(() => null);
      const asOf = (r?.body['asOf'] as { blockNumber: string }[] | undefined) ?? [];
      return r?.status === 200 && asOf.some((a) => BigInt(a.blockNumber) >= head);
    },
    { timeoutMs: 90_000, intervalMs: 250 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${indexer.output().slice(-3000)}`);
  });
}, 240_000);

afterAll(async () => {
  await gateway?.close();
  await indexer?.stop();
  await requestControls?.stop();
  await Promise.all([rcDb?.drop(), ixDb?.drop()]);
  await anvil?.stop();
});

describe('gateway reads of the indexed chain state', () => {
  it('refuses a caller without a valid API key', async () => {
    expectProblem(await get('/assets', null), 401, 'authentication');
    expectProblem(
      await get(`/assets/${token}/holders`, `keel_nokey0001_${'x'.repeat(43)}`),
      401,
      'authentication',
    );
  });

  it('lists assets with the block the answer reflects', async () => {
    const r = await get(`/assets?chainId=${anvil.chainId}&limit=10`);
    expect(r.status).toBe(200);
    const items = r.body['items'] as { address: string; chainId: number; totalSupply: string }[];
    const mine = items.find((a) => a.address === token.toLowerCase());
    expect(mine?.chainId).toBe(anvil.chainId);
    expect(BigInt(mine!.totalSupply)).toBeGreaterThan(0n);
    const asOf = r.body['asOf'] as { chainId: number; blockNumber: string }[];
    expect(asOf).toHaveLength(1);
    expect(asOf[0]?.chainId).toBe(anvil.chainId);
    expect(BigInt(asOf[0]!.blockNumber)).toBeGreaterThanOrEqual(head);
  });

  it('reads one asset with its roles, and 404s an unknown one', async () => {
    const r = await get(`/assets/${token}`);
    expect(r.status).toBe(200);
    const asset = r.body['asset'] as { address: string; holderCount: number; roles: unknown[] };
    expect(asset.address).toBe(token.toLowerCase());
    expect(asset.holderCount).toBe(2);
    expect(asset.roles.length).toBeGreaterThan(0);
    expect(r.body['asOf']).toHaveLength(1);
    expectProblem(await get(`/assets/0x${'1'.repeat(40)}`), 404, 'not-found');
    expectProblem(await get('/assets/not-an-address'), 422, 'validation');
  });

  it('pages holders by cursor, sorted and filtered', async () => {
    const first = await get(`/assets/${token}/holders?sort=wallet&order=asc&limit=1`);
    expect(first.status).toBe(200);
    const wallets = (b: Record<string, unknown>) =>
      (b['items'] as { wallet: string }[]).map((h) => h.wallet);
    const expected = [holders.alice, holders.bob].map((a) => a.toLowerCase()).sort();
    expect(wallets(first.body)).toEqual([expected[0]]);
    const cursor = first.body['nextCursor'] as string;
    expect(cursor).toEqual(expect.any(String));
    const second = await get(
      `/assets/${token}/holders?sort=wallet&order=asc&limit=1&cursor=${encodeURIComponent(cursor)}`,
    );
    expect(wallets(second.body)).toEqual([expected[1]]);
    expect(second.body['nextCursor']).toBeNull();
    expect(second.body['asOf']).toHaveLength(1);

    const all = await get(`/assets/${token}/holders?sort=balance&order=desc&frozen=false`);
    const balances = (all.body['items'] as { balance: string }[]).map((h) => BigInt(h.balance));
    expect(balances).toHaveLength(2);
    expect(balances[0]! >= balances[1]!).toBe(true);
    const rich = await get(`/assets/${token}/holders?minBalance=${balances[0]!.toString()}`);
    expect((rich.body['items'] as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect(
      (rich.body['items'] as { balance: string }[]).every((h) => BigInt(h.balance) >= balances[0]!),
    ).toBe(true);
    // carol is registered but holds nothing: only with includeZero (no row until she held).
    expect(wallets(all.body)).not.toContain(holders.carol.toLowerCase());

    expectProblem(await get(`/assets/${token}/holders?cursor=garbage`), 422, 'validation');
    expectProblem(await get(`/assets/${token}/holders?sort=shoe-size`), 422, 'validation');
  });

  it("reads a wallet's identity registration and claims", async () => {
    const r = await get(`/identities/${holders.alice}?chainId=${anvil.chainId}`);
    expect(r.status).toBe(200);
    expect(r.body['wallet']).toBe(holders.alice.toLowerCase());
    const regs = r.body['registrations'] as { identity: string; claims: { topic: string }[] }[];
    expect(regs.length).toBeGreaterThanOrEqual(1);
    expect(regs[0]!.identity).toMatch(/^0x[0-9a-f]{40}$/);
    expect(regs[0]!.claims.map((c) => c.topic)).toContain('1');
    expect(r.body['asOf']).toHaveLength(1);
    expectProblem(await get(`/identities/0x${'2'.repeat(40)}`), 404, 'not-found');
  });

  it('decodes asset metadata keys, keeping the raw bytes32 beside them', async () => {
    const r = await get(`/assets/${token}`);
    const metadata = (
      r.body['asset'] as { metadata: { key: string; value: string; raw: string }[] }
    ).metadata;
    // DepositFactory records the kind and the deposit's terms as metadata (setMetadataValue("currency", …)).
    expect(metadata).toEqual([
      { key: 'assetKind', value: 'deposit', raw: stringToHex('assetKind', { size: 32 }) },
      { key: 'currency', value: 'EUR', raw: stringToHex('currency', { size: 32 }) },
      {
        key: 'institution',
        value: 'Keel Bench Bank',
        raw: stringToHex('institution', { size: 32 }),
      },
    ]);
  });

  it('says who issued a claim: the claim issuer, its owner wallet and the registry entry trusting it', async () => {
    const r = await get(`/identities/${holders.alice}`);
    const claims = (
      r.body['registrations'] as {
        claims: {
          topic: string;
          issuer: string;
          issuedBy: {
            claimIssuer: string;
            owner: string | null;
            trustedBy: { registry: string; topics: string[]; forThisTopic: boolean }[];
          };
        }[];
      }[]
    )[0]!.claims;
    const kyc = claims.find((c) => c.topic === '1')!;
    expect(kyc.issuedBy.claimIssuer).toBe(kyc.issuer);
    // deployKeel creates the KYC claim issuer with the admin as owner and trusts it at the system tier.
    expect(kyc.issuedBy.owner).toBe(accounts.admin.address.toLowerCase());
    expect(kyc.issuedBy.trustedBy).toEqual([
      expect.objectContaining({ topics: ['1'], forThisTopic: true }),
    ]);
    expect(kyc.issuedBy.trustedBy[0]!.registry).toMatch(/^0x[0-9a-f]{40}$/);
  });

  it('answers a read for a block the indexer has not reached with a retryable 503, after the bounded wait', async () => {
    const ahead = (await chain.client.getBlockNumber({ cacheTime: 0 })) + 1_000n;
    const started = Date.now();
    const r = await get(`/assets/${token}?chainId=${anvil.chainId}&minBlock=${ahead}`);
    const waited = Date.now() - started;
    expectProblem(r, 503, 'unavailable');
    expect(waited).toBeGreaterThanOrEqual(READ_MAX_WAIT_MS - 50);
    expect(waited).toBeLessThan(READ_MAX_WAIT_MS + 3_000);
    const error = problemSchema.parse(r.body).error;
    expect(error.retryable).toBe(true);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(error.details).toMatchObject({
      code: 'INDEXER_BEHIND',
      minBlock: ahead.toString(),
      chainId: anvil.chainId,
      asOf: [expect.objectContaining({ chainId: anvil.chainId })],
    });
    expectProblem(await get(`/assets/${token}?minBlock=soon`), 422, 'validation');
  });

  it("reads its own write: a read with the write's block waits for the indexer, then shows it", async () => {
    const next = (await chain.client.getBlockNumber({ cacheTime: 0 })) + 1n;
    const balanceOfAlice = (body: Record<string, unknown>) =>
      BigInt(
        (body['items'] as { wallet: string; balance: string }[]).find(
          (h) => h.wallet === holders.alice.toLowerCase(),
        )!.balance,
      );
    const before = balanceOfAlice((await get(`/assets/${token}/holders`)).body);
    // The read is asked for the next block before the write exists, so it has to wait for it.
    const read = get(`/assets/${token}/holders?chainId=${anvil.chainId}&minBlock=${next}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const receipt = await chain.send(accounts.alice, token, KeelTokenAbi, 'transfer', [
      holders.bob,
      1n,
    ]);
    expect(receipt.status).toBe('success');
    expect(receipt.blockNumber).toBe(next);
    const r = await read;
    expect(r.status).toBe(200);
    expect(indexedBlock(r.body)).toBeGreaterThanOrEqual(next);
    expect(balanceOfAlice(r.body)).toBe(before - 1n);
    // At once, with the block of the write: no wait, the same state.
    const again = await get(`/assets/${token}?minBlock=${receipt.blockNumber}`);
    expect(again.status).toBe(200);
    expect(indexedBlock(again.body)).toBeGreaterThanOrEqual(receipt.blockNumber);
  });

  it('documents the reads in OpenAPI', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    for (const p of [
      '/assets',
      '/assets/{address}',
      '/assets/{address}/holders',
      '/identities/{wallet}',
    ])
      expect(Object.keys(doc.paths)).toContain(p);
    for (const s of ['AssetPage', 'AssetRead', 'HolderPage', 'IdentityRead'])
      expect(doc.components.schemas[s]).toBeDefined();
    // minBlock on every read, its 503, and the operation's minBlock to pass to it.
    for (const p of [
      '/assets',
      '/assets/{address}',
      '/assets/{address}/holders',
      '/identities/{wallet}',
    ]) {
      const read = (doc.paths[p] as { get: { parameters: { name: string }[]; responses: object } })
        .get;
      expect(read.parameters.map((q) => q.name)).toContain('minBlock');
      expect(Object.keys(read.responses)).toContain('503');
    }
    const operation = doc.components.schemas['Operation'] as { properties: object };
    expect(Object.keys(operation.properties)).toContain('minBlock');
    expect(JSON.stringify(doc.components.schemas['IdentityRead'])).toContain('1 = KYC');
  });
});
