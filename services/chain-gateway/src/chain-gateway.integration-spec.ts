import { FixtureTokenAbi, FixtureTokenBytecode } from '@keel/abi';
import { EventBus, KafkaBusDriver, type Subscription } from '@keel/bus';
import {
  attachSignature,
  serializeUnsignedTransaction,
  signingHashOf,
  transactionHashOf,
} from '@keel/chain';
import type { KeelEvent, PayloadOf } from '@keel/events';
import { createLogger } from '@keel/telemetry';
import {
  type AnvilHandle,
  createTestDatabase,
  freePort,
  type TestKafka,
  startAnvil,
  startTestKafka,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import {
  type Address,
  createWalletClient,
  encodeFunctionData,
  type Hash,
  type Hex,
  http,
  publicActions,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningChainGateway, startChainGateway } from './bootstrap';
import { loadChainGatewayConfig } from './config';

const ORG = 'org-cg';
let a: AnvilHandle;
let b: AnvilHandle;
let kafka: TestKafka;
let db: TestDatabaseHandle;
let gateway: RunningChainGateway;
let client: EventBus;
let sub: Subscription;
let token: Address;
const receipts: KeelEvent<'keel.receipt.v1'>[] = [];
const blocks: KeelEvent<'keel.chain.logs.v1'>[] = [];
const nonces = new Map<string, number>();

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

async function signedTx(
  account: number,
  to: Address,
  data: Hex = '0x',
  chain: AnvilHandle = a,
): Promise<{ raw: Hex; hash: Hash; from: Address; nonce: number }> {
  const key = chain.accounts[account]!;
  const nonce: number =
    nonces.get(`${chain.port}:${account}`) ??
    Number(await rpc<string>(chain.rpcUrl, 'eth_getTransactionCount', [key.address, 'pending']));
  nonces.set(`${chain.port}:${account}`, nonce + 1);
  const unsigned = serializeUnsignedTransaction({
    chainId: 31337,
    nonce,
    to,
    data,
    value: data === '0x' ? 1n : 0n,
    gas: 200_000n,
    maxFeePerGas: 5_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  });
  const raw = attachSignature(
    unsigned,
    await sign({ hash: signingHashOf(unsigned), privateKey: key.privateKey, to: 'hex' }),
  );
  return { raw, hash: transactionHashOf(raw), from: key.address, nonce };
}

async function broadcast(
  operationId: string,
  tx: { raw: Hex; hash: Hash; from: Address; nonce: number },
  confirmations?: number,
) {
  return client.publish(
    'keel.broadcast.requested.v1',
    {
      operationId,
      transactionIndex: 0,
      chainId: 31337,
      from: tx.from,
      nonce: String(tx.nonce),
      rawTransaction: tx.raw,
      hash: tx.hash,
      ...(confirmations !== undefined ? { confirmations } : {}),
    },
    { organizationId: ORG, correlationId: operationId },
  );
}

function receiptsOf(hash: Hash): PayloadOf<'keel.receipt.v1'>[] {
  return receipts.map((r) => r.payload).filter((p) => p.hash.toLowerCase() === hash.toLowerCase());
}

async function waitReceipt(
  hash: Hash,
  match: (p: PayloadOf<'keel.receipt.v1'>) => boolean,
  what: string,
) {
  await waitUntil(what, async () => receiptsOf(hash).some(match), {
    timeoutMs: 60_000,
    intervalMs: 50,
  });
  return receiptsOf(hash).filter(match);
}

beforeAll(async () => {
  [a, b, kafka, db] = await Promise.all([
    startAnvil(),
    startAnvil(),
    startTestKafka(),
    createTestDatabase({ prefix: 'chain_gateway' }),
  ]);
  // A contract with events, deployed straight to upstream A (the log stream reads it).
  const deployer = createWalletClient({
    account: privateKeyToAccount(a.accounts[9]!.privateKey),
    transport: http(a.rpcUrl),
  }).extend(publicActions);
  const deployHash = await deployer.deployContract({
    abi: FixtureTokenAbi,
    bytecode: FixtureTokenBytecode,
    args: ['Fixture', 'FIX', a.accounts[0]!.address],
    chain: null,
  });
  token = (await deployer.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
  gateway = await startChainGateway(
    loadChainGatewayConfig({
      KEEL_DATABASE_URL: db.url,
      KEEL_CHAIN_RPC_URLS: `31337=${a.rpcUrl},${b.rpcUrl}`,
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(await freePort()),
      KEEL_POLL_INTERVAL_MS: '150',
      KEEL_LOGS_FROM_BLOCK: '0',
      KEEL_RPC_HEALTH_CHECK_INTERVAL_MS: '500',
    }),
    { logger: createLogger({ service: 'chain-gateway', level: 'warn' }) },
  );
  client = new EventBus(new KafkaBusDriver({ brokers: kafka.brokers, clientId: 'cg-test' }));
  sub = await client.subscribe({
    group: 'cg-test',
    handlers: {
      'keel.receipt.v1': async (e) => void receipts.push(e),
      'keel.chain.logs.v1': async (e) => void blocks.push(e),
    },
  });
  await sub.ready;
}, 180_000);

afterAll(async () => {
  await sub?.stop();
  await client?.close();
  await gateway?.close();
  await Promise.all([a?.stop(), b?.stop(), kafka?.stop()]);
  await db?.drop();
});

describe('chain-gateway', () => {
  it('broadcasts, publishes the receipt on inclusion and again at the required confirmations', async () => {
    const tx = await signedTx(1, a.accounts[2]!.address);
    await broadcast('op-confirm', tx, 3);
    const [included] = await waitReceipt(
      tx.hash,
      (p) => p.status === 'success',
      'inclusion receipt',
    );
    expect(included!.confirmations).toBeLessThan(3);
    expect(included!.blockHash).toMatch(/^0x/);
    await rpc(a.rpcUrl, 'anvil_mine', ['0x3']);
    const [final] = await waitReceipt(
      tx.hash,
      (p) => p.status === 'success' && p.confirmations >= 3,
      'confirmed receipt',
    );
    expect(final!.blockNumber).toBe(included!.blockNumber);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('treats the same bytes broadcast twice, and again after they were mined, as one transaction', async () => {
    const tx = await signedTx(3, a.accounts[4]!.address);
    await rpc(a.rpcUrl, 'evm_setAutomine', [false]);
    try {
      await broadcast('op-dup', tx);
      await broadcast('op-dup', tx); // already known
    } finally {
      await new Promise((r) => setTimeout(r, 1_500));
      await rpc(a.rpcUrl, 'evm_setAutomine', [true]);
      await rpc(a.rpcUrl, 'evm_mine');
    }
    await waitReceipt(tx.hash, (p) => p.status === 'success', 'receipt');
    const before = receiptsOf(tx.hash).length;
    // A replay after a crash: the node says nonce too low, the hash is on chain, confirmation continues.
    await broadcast('op-dup', tx);
    await waitUntil('replayed receipt', async () => receiptsOf(tx.hash).length > before, {
      timeoutMs: 30_000,
    });
    expect(receiptsOf(tx.hash).every((p) => p.status === 'success')).toBe(true);
    expect(await gateway.tracked.count(31337, tx.hash)).toBe(1);
  });

  it('streams block-ordered logs with block hashes, and detects a reorg: reorged receipt, re-broadcast, removed logs', async () => {
    const data = encodeFunctionData({
      abi: FixtureTokenAbi,
      functionName: 'mint',
      args: [a.accounts[5]!.address, 1000n],
    });
    const tx = await signedTx(0, token, data);
    await broadcast('op-reorg', tx);
    const [first] = await waitReceipt(tx.hash, (p) => p.status === 'success', 'mint receipt');
    await waitUntil(
      'logs of the mint block',
      async () =>
        blocks.some((b) => b.payload.blockHash === first!.blockHash && !b.payload.removed),
      {
        timeoutMs: 30_000,
      },
    );
    const numbers = blocks
      .filter((b) => !b.payload.removed)
      .map((b) => Number(b.payload.blockNumber));
    expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
    const minted = blocks.find((b) => b.payload.blockHash === first!.blockHash)!;
    expect(
      minted.payload.logs.some(
        (l) => l.address.toLowerCase() === token.toLowerCase() && l.transactionHash === tx.hash,
      ),
    ).toBe(true);

    // Replace the last blocks with empty ones: the mint leaves the canonical chain.
    await rpc(a.rpcUrl, 'anvil_reorg', [2, []]);
    await waitReceipt(tx.hash, (p) => p.status === 'reorged', 'reorged receipt');
    await waitUntil(
      'removed logs',
      async () => blocks.some((b) => b.payload.removed && b.payload.blockHash === first!.blockHash),
      {
        timeoutMs: 30_000,
      },
    );
    // The gateway broadcast the same bytes again; they are mined in a new block.
    const again = await waitReceipt(
      tx.hash,
      (p) => p.status === 'success' && p.blockHash !== first!.blockHash,
      're-mined receipt',
    );
    expect(again[0]!.hash).toBe(first!.hash);
  });

  it('reports an on-chain revert with its decoded reason', async () => {
    // Account 1 does not own the token: mint reverts with OwnableUnauthorizedAccount(address).
    const data = encodeFunctionData({
      abi: FixtureTokenAbi,
      functionName: 'mint',
      args: [a.accounts[1]!.address, 1n],
    });
    const tx = await signedTx(1, token, data);
    await broadcast('op-revert', tx);
    const [r] = await waitReceipt(tx.hash, (p) => p.status === 'reverted', 'reverted receipt');
    expect(r!.revert).toEqual({ selector: '0x118cdaa7', reason: 'custom error 0x118cdaa7' });
  });

  it('reports other bytes for an already used nonce as dropped with NONCE_CONSUMED (they can never be mined)', async () => {
    const mined = await signedTx(8, a.accounts[2]!.address);
    await rpc(a.rpcUrl, 'eth_sendRawTransaction', [mined.raw]);
    nonces.set(`${a.port}:8`, mined.nonce); // same nonce, other payload
    const other = await signedTx(8, a.accounts[3]!.address);
    expect(other.nonce).toBe(mined.nonce);
    await broadcast('op-conflict', other);
    const [r] = await waitReceipt(other.hash, (p) => p.status === 'dropped', 'dropped receipt');
    expect(r!.error).toMatchObject({ code: 'NONCE_CONSUMED', retryable: false });
  });

  it('keeps bytes a node refused for want of funds tracked and sent again: refused INSUFFICIENT_GAS_FUNDS once, then mined when the wallet is funded', async () => {
    const key = generatePrivateKey();
    const from = privateKeyToAccount(key).address;
    const unsigned = serializeUnsignedTransaction({
      chainId: 31337,
      nonce: 0,
      to: a.accounts[4]!.address,
      data: '0x',
      value: 1n,
      gas: 21_000n,
      maxFeePerGas: 5_000_000_000n,
      maxPriorityFeePerGas: 1_000_000n,
    });
    const raw = attachSignature(
      unsigned,
      await sign({ hash: signingHashOf(unsigned), privateKey: key, to: 'hex' }),
    );
    const tx = { raw, hash: transactionHashOf(raw), from, nonce: 0 };
    await broadcast('op-unfunded', tx);
    const [refused] = await waitReceipt(tx.hash, (p) => p.status === 'refused', 'refused receipt');
    expect(refused!.error).toMatchObject({ code: 'INSUFFICIENT_GAS_FUNDS', retryable: true });
    const [row] = await gateway.dataSource.query<{ state: string; last_error: string }[]>(
      `SELECT state, last_error FROM cg_transaction WHERE hash = lower($1)`,
      [tx.hash],
    );
    expect(row).toMatchObject({ state: 'pending' });
    expect(row!.last_error).toMatch(/^INSUFFICIENT_GAS_FUNDS: /);
    await rpc(a.rpcUrl, 'anvil_setBalance', [from, '0xde0b6b3a7640000']);
    const [mined] = await waitReceipt(
      tx.hash,
      (p) => p.status === 'success',
      'mined after funding',
    );
    expect(mined!.blockNumber).toBeDefined();
    // One refusal notice, not one per re-send.
    expect(receiptsOf(tx.hash).filter((p) => p.status === 'refused')).toHaveLength(1);
    expect(receiptsOf(tx.hash).some((p) => p.status === 'dropped')).toBe(false);
  });

  it('fails over to the second upstream when the first is killed', async () => {
    await a.stop();
    const tx = await signedTx(6, b.accounts[7]!.address, '0x', b);
    await broadcast('op-failover', tx);
    const [r] = await waitReceipt(tx.hash, (p) => p.status === 'success', 'receipt via upstream B');
    expect(r!.blockNumber).toBeDefined();
    expect(
      await rpc<{ status: string }>(b.rpcUrl, 'eth_getTransactionReceipt', [tx.hash]),
    ).toMatchObject({ status: '0x1' });
    const health = (await (await fetch(`${gateway.url}/health/chains`)).json()) as Record<
      string,
      { healthy: boolean }[]
    >;
    expect(health['31337']!.map((u) => u.healthy)).toEqual([false, true]);
  });
});
