import { randomBytes, randomUUID } from 'node:crypto';
import { EventBus, KafkaBusDriver, type Subscription } from '@keel/bus';
import { signingHashOf, UpstreamPool, verifySignedTransaction } from '@keel/chain';
import type { KeelEvent, PayloadOf } from '@keel/events';
import { createLogger } from '@keel/telemetry';
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
  testInternalHeaders,
  waitUntil,
} from '@keel/testing';
import { type Address, type Hash, type Hex, parseTransaction, toHex } from 'viem';
import { sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningTransactionSigner, startTransactionSigner } from './bootstrap';
import { loadTransactionSignerConfig } from './config';

const ORG = 'org-ts';
const TARGET = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' as Address;

let anvil: AnvilHandle;
let kafka: TestKafka;
let kgDb: TestDatabaseHandle;
let tsDb: TestDatabaseHandle;
let keyGuardian: ManagedProcess;
let kgUrl: string;
let kgPort: number;
const masterKey = randomBytes(32).toString('hex');
let signer: RunningTransactionSigner;
let client: EventBus;
let sub: Subscription;
let pool: UpstreamPool;
let wallet: Address;
const results: KeelEvent<'keel.signature.result.v1'>[] = [];

async function rpc<T>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(anvil.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(body.error.message);
  return body.result as T;
}

async function startKeyGuardian(): Promise<void> {
  keyGuardian = startProcess({
    entry: 'services/key-guardian/src/main.ts',
    name: 'key-guardian',
    env: {
      KEEL_DATABASE_URL: kgDb.url,
      KEEL_KEYSTORE_MASTER_KEY: masterKey,
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(kgPort),
      KEEL_LOG_LEVEL: 'warn',
    },
  });
  kgUrl = `http://127.0.0.1:${kgPort}`;
  await waitUntil('key-guardian', async () => (await fetch(`${kgUrl}/health`)).ok, {
    timeoutMs: 90_000,
    intervalMs: 250,
  });
}

async function newWallet(balance: bigint = 10n ** 21n): Promise<Address> {
  const res = await fetch(`${kgUrl}/internal/v1/wallets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...testInternalHeaders },
    body: JSON.stringify({ organizationId: ORG }),
  });
  const { address } = (await res.json()) as { address: Address };
  await rpc('anvil_setBalance', [address, toHex(balance)]);
  return address;
}

function failedFor(operationId: string) {
  return results
    .map((e) => e.payload)
    .filter(
      (p): p is Extract<PayloadOf<'keel.signature.result.v1'>, { outcome: 'failed' }> =>
        p.outcome === 'failed' && p.operationId === operationId,
    );
}

async function waitFailed(operationId: string) {
  await waitUntil(
    `failed signature.result for ${operationId}`,
    async () => failedFor(operationId).length > 0,
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  return failedFor(operationId)[0]!;
}

async function reservationsOf(operationId: string) {
  return signer.dataSource.query<{ state: string; kind: string; nonce: string }[]>(
    `SELECT state, kind, nonce FROM ts_nonce_reservation WHERE operation_id = $1 ORDER BY nonce`,
    [operationId],
  );
}

function signedFor(
  operationId: string,
): Extract<PayloadOf<'keel.signature.result.v1'>, { outcome: 'signed' }>[] {
  return results
    .map((e) => e.payload)
    .filter(
      (p): p is Extract<PayloadOf<'keel.signature.result.v1'>, { outcome: 'signed' }> =>
        p.outcome === 'signed' && p.operationId === operationId,
    );
}

async function waitSigned(operationId: string, count = 1) {
  await waitUntil(
    `signature.result for ${operationId}`,
    async () => signedFor(operationId).length >= count,
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  return signedFor(operationId);
}

async function requestSignature(
  operationId: string,
  from: Address = wallet,
  data: Hex = '0x',
  value = 1n,
  gasLimit: string | undefined = '30000',
) {
  return client.publish(
    'keel.signature.requested.v1',
    {
      operationId,
      transactionIndex: 0,
      call: { chainId: 31337, from, to: TARGET, data, value: value.toString() },
      ...(gasLimit ? { gasLimit } : {}),
    },
    { organizationId: ORG, correlationId: operationId },
  );
}

beforeAll(async () => {
  [anvil, kafka, kgDb, tsDb] = await Promise.all([
    startAnvil(),
    startTestKafka(),
    createTestDatabase({ prefix: 'ts_kg' }),
    createTestDatabase({ prefix: 'ts' }),
  ]);
  kgPort = await freePort();
  await startKeyGuardian();
  signer = await startTransactionSigner(
    loadTransactionSignerConfig({
      KEEL_DATABASE_URL: tsDb.url,
      KEEL_CHAIN_RPC_URLS: `31337=${anvil.rpcUrl}`,
      KEEL_BUS_DRIVER: 'kafka',
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_HTTP_PORT: String(await freePort()),
      KEEL_RECONCILE_INTERVAL_MS: '0',
      KEEL_STUCK_AFTER_MS: '1000',
    }),
    { logger: createLogger({ service: 'transaction-signer', level: 'warn' }) },
  );
  pool = new UpstreamPool({ chainId: 31337, urls: [anvil.rpcUrl] });
  client = new EventBus(new KafkaBusDriver({ brokers: kafka.brokers, clientId: 'ts-test' }));
  sub = await client.subscribe({
    group: 'ts-test',
    handlers: { 'keel.signature.result.v1': async (e) => void results.push(e) },
  });
  await sub.ready;
  wallet = await newWallet();
}, 180_000);

afterAll(async () => {
  await sub?.stop();
  await client?.close();
  await signer?.close();
  await keyGuardian?.stop();
  await Promise.all([anvil?.stop(), kafka?.stop()]);
  await Promise.all([kgDb?.drop(), tsDb?.drop()]);
});

describe('transaction-signer', () => {
  it('reserves contiguous nonces with no duplicates for many concurrent requests, with verified bytes', async () => {
    const ops = Array.from({ length: 24 }, () => `op-${randomUUID()}`);
    await Promise.all(ops.map((op) => requestSignature(op)));
    const signed = (await Promise.all(ops.map((op) => waitSigned(op)))).map((s) => s[0]!);
    const nonces = signed.map((s) => Number(s.nonce)).sort((a, b) => a - b);
    expect(nonces).toEqual(Array.from({ length: 24 }, (_, i) => i));
    for (const s of signed) {
      const check = await verifySignedTransaction(s.rawTransaction as Hex, {
        chainId: 31337,
        from: wallet,
        nonce: Number(s.nonce),
        to: TARGET,
        data: '0x',
        value: 1n,
      });
      expect(check.ok && check.hash).toBe(s.hash);
    }
    // In nonce order every one of them is accepted and mined.
    for (const s of [...signed].sort((a, b) => Number(a.nonce) - Number(b.nonce))) {
      expect(await pool.sendRawTransaction(s.rawTransaction as Hex)).toBe(s.hash);
    }
    expect(await pool.minedNonce(wallet)).toBe(24);
  });

  it('a replayed request republishes the same bytes and never reserves or signs again', async () => {
    const op = `op-${randomUUID()}`;
    await requestSignature(op);
    const [first] = await waitSigned(op);
    await requestSignature(op);
    const two = await waitSigned(op, 2);
    expect(two[1]).toEqual(first);
    const lane = await signer.dataSource.query<{ next_nonce: string }[]>(
      `SELECT next_nonce FROM ts_nonce_lane`,
    );
    expect(Number(lane[0]!.next_nonce)).toBe(Number(first!.nonce) + 1);
    await pool.sendRawTransaction(first!.rawTransaction as Hex);
    // chain-gateway's receipt moves the reservation to mined.
    await client.publish(
      'keel.receipt.v1',
      {
        operationId: op,
        transactionIndex: 0,
        chainId: 31337,
        hash: first!.hash,
        status: 'success',
        confirmations: 1,
      },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil('reservation mined', async () => {
      const [r] = await signer.dataSource.query<{ state: string }[]>(
        `SELECT state FROM ts_nonce_reservation WHERE tx_hash = $1`,
        [first!.hash],
      );
      return r?.state === 'mined';
    });
  });

  it('recovers when the key is used outside Keel: the lost nonce is replaced and the operation re-reserved', async () => {
    const op = `op-${randomUUID()}`;
    await requestSignature(op);
    const [lost] = await waitSigned(op);
    // Someone else sends from the same key with the reserved nonce (impersonation stands in for an outside wallet).
    await rpc('anvil_impersonateAccount', [wallet]);
    await rpc('eth_sendTransaction', [
      { from: wallet, to: wallet, value: '0x0', nonce: toHex(Number(lost!.nonce)) },
    ]);
    await rpc('anvil_stopImpersonatingAccount', [wallet]);
    // and once more, so the lane is behind the chain (nonce too low for the next reservation).
    await rpc('anvil_impersonateAccount', [wallet]);
    await rpc('eth_sendTransaction', [
      { from: wallet, to: wallet, value: '0x0', nonce: toHex(Number(lost!.nonce) + 1) },
    ]);
    await rpc('anvil_stopImpersonatingAccount', [wallet]);
    const report = await signer.reconcile.execute({
      organizationId: ORG,
      signer: wallet,
      chainId: 31337,
    });
    expect(report.replaced).toBe(1);
    const [, again] = await waitSigned(op, 2);
    expect(Number(again!.nonce)).toBe(Number(lost!.nonce) + 2);
    expect(again!.replaces).toBe(lost!.hash);
    expect(await pool.sendRawTransaction(again!.rawTransaction as Hex)).toBe(again!.hash);
    // The next operation continues from the chain's nonce, without gaps.
    const next = `op-${randomUUID()}`;
    await requestSignature(next);
    const [n] = await waitSigned(next);
    expect(Number(n!.nonce)).toBe(Number(again!.nonce) + 1);
    await pool.sendRawTransaction(n!.rawTransaction as Hex);
  });

  it('fills a reservation that will never be used with a no-op, unblocking the transactions after it', async () => {
    const [a, b] = [`op-${randomUUID()}`, `op-${randomUUID()}`];
    await requestSignature(a);
    const [sa] = await waitSigned(a);
    await requestSignature(b);
    const [sb] = await waitSigned(b);
    expect(Number(sb!.nonce)).toBe(Number(sa!.nonce) + 1);
    // Operation a is cancelled: its reservation will never be broadcast. b waits on the gap (nonce too high).
    await signer.dataSource.query(
      `UPDATE ts_nonce_reservation SET state = 'abandoned' WHERE operation_id = $1`,
      [a],
    );
    await pool.sendRawTransaction(sb!.rawTransaction as Hex);
    expect(await pool.minedNonce(wallet)).toBe(Number(sa!.nonce));
    const report = await signer.reconcile.execute({
      organizationId: ORG,
      signer: wallet,
      chainId: 31337,
    });
    expect(report.filled).toBe(1);
    await waitUntil(
      'no-op mined',
      async () => (await pool.minedNonce(wallet)) === Number(sb!.nonce) + 1,
      { timeoutMs: 60_000 },
    );
    const block = await pool.call('block', (c) =>
      c.getBlock({ blockTag: 'latest', includeTransactions: true }),
    );
    const all = [...block.transactions];
    const prev = await pool.call('block', (c) =>
      c.getBlock({ blockNumber: block.number - 1n, includeTransactions: true }),
    );
    all.push(...prev.transactions);
    const noop = all.find(
      (t) => t.nonce === Number(sa!.nonce) && t.from.toLowerCase() === wallet.toLowerCase(),
    );
    expect(noop?.to?.toLowerCase()).toBe(wallet.toLowerCase());
    expect(noop?.value).toBe(0n);
    const rows = await signer.dataSource.query<{ state: string; kind: string }[]>(
      `SELECT state, kind FROM ts_nonce_reservation WHERE nonce = $1 AND signer = $2`,
      [Number(sa!.nonce), wallet],
    );
    expect(rows).toEqual([{ state: 'filled', kind: 'noop' }]);
  });

  it('fills the unbroadcast nonce of a cancelled operation with a no-op (an approval settled just before the cancellation), so the transactions after it are mined', async () => {
    const [a, b] = [`op-${randomUUID()}`, `op-${randomUUID()}`];
    await requestSignature(a);
    const [sa] = await waitSigned(a);
    await requestSignature(b);
    const [sb] = await waitSigned(b);
    expect(Number(sb!.nonce)).toBe(Number(sa!.nonce) + 1);
    // The engine cancelled a while it waited for approval: its signed bytes are never broadcast.
    await client.publish(
      'keel.operation.status.v1',
      {
        operationId: a,
        status: 'CANCELLED',
        previousStatus: 'PENDING_APPROVAL',
        subStatus: 'CANCELLED_BY_REQUEST',
        sequence: 6,
        at: new Date().toISOString(),
      },
      { organizationId: ORG, correlationId: a },
    );
    await pool.sendRawTransaction(sb!.rawTransaction as Hex);
    await waitUntil(
      'no-op and the next transaction mined',
      async () => (await pool.minedNonce(wallet)) === Number(sb!.nonce) + 1,
      { timeoutMs: 60_000 },
    );
    const rows = await signer.dataSource.query<{ state: string; kind: string }[]>(
      `SELECT state, kind FROM ts_nonce_reservation WHERE nonce = $1 AND signer = $2`,
      [Number(sa!.nonce), wallet],
    );
    expect(rows).toEqual([{ state: 'filled', kind: 'noop' }]);
  });

  it('re-prices a stuck transaction and replaces it with the same nonce (broadcast by chain-gateway, not here)', async () => {
    await rpc('evm_setAutomine', [false]);
    try {
      const op = `op-${randomUUID()}`;
      await requestSignature(op);
      const [stuck] = await waitSigned(op);
      await pool.sendRawTransaction(stuck!.rawTransaction as Hex);
      const report = await signer.reconcile.execute(
        { organizationId: ORG, signer: wallet, chainId: 31337 },
        new Date(Date.now() + 5_000),
      );
      expect(report.repriced).toBe(1);
      const [, replacement] = await waitSigned(op, 2);
      expect(replacement!.nonce).toBe(stuck!.nonce);
      expect(replacement!.replaces).toBe(stuck!.hash);
      const before = parseTransaction(stuck!.rawTransaction as Hex);
      const after = parseTransaction(replacement!.rawTransaction as Hex);
      expect(after.maxFeePerGas! * 100n).toBeGreaterThanOrEqual(before.maxFeePerGas! * 110n);
      expect(after.maxPriorityFeePerGas! * 100n).toBeGreaterThanOrEqual(
        before.maxPriorityFeePerGas! * 110n,
      );
      // The signer does not send the replacement itself: like a first broadcast, its bytes
      // go back to the engine and on to chain-gateway (played here by the test).
      expect(await rpc('eth_getTransactionByHash', [replacement!.hash])).toBeNull();
      expect(await pool.sendRawTransaction(replacement!.rawTransaction as Hex)).toBe(
        replacement!.hash,
      );
      await rpc('evm_mine');
      const receipt = await pool.call('receipt', (c) =>
        c.getTransactionReceipt({ hash: replacement!.hash as Hash }),
      );
      expect(receipt.status).toBe('success');
      await expect(
        pool.call('receipt', (c) => c.getTransactionReceipt({ hash: stuck!.hash as Hash })),
      ).rejects.toThrow();
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
  });

  it('estimates gas and EIP-1559 fees when the request gives none', async () => {
    const op = `op-${randomUUID()}`;
    await requestSignature(op, wallet, '0x', 1n, '');
    const [s] = await waitSigned(op);
    const tx = parseTransaction(s!.rawTransaction as Hex);
    expect(tx.gas).toBe((21_000n * 120n) / 100n);
    expect(tx.maxFeePerGas! > tx.maxPriorityFeePerGas!).toBe(true);
    expect(s!.fees?.maxFeePerGas).toBe(tx.maxFeePerGas!.toString());
    await pool.sendRawTransaction(s!.rawTransaction as Hex);
  });

  it('a signature held for custodian approval reports pending-approval and completes when settled under the same request', async () => {
    await keyGuardian.stop();
    const op = `op-${randomUUID()}`;
    await requestSignature(op);
    let row: { sign_request_id: string } | undefined;
    await waitUntil('reservation', async () => {
      [row] = await signer.dataSource.query<{ sign_request_id: string }[]>(
        `SELECT sign_request_id FROM ts_nonce_reservation WHERE operation_id = $1`,
        [op],
      );
      return row !== undefined;
    });
    // What key-guardian answers when its custodian policy holds the request (issue 7's quorum).
    await client.publish(
      'keel.key.sign.result.v1',
      {
        outcome: 'pending-approval',
        requestId: row!.sign_request_id,
        operationId: op,
        approvalId: 'approval-1',
      },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil(
      'pending-approval',
      async () =>
        results.some(
          (e) => e.payload.operationId === op && e.payload.outcome === 'pending-approval',
        ),
      {
        timeoutMs: 30_000,
      },
    );
    // Approved: key-guardian signs the same request id; the reservation completes with its nonce.
    await startKeyGuardian();
    const [signed] = await waitSigned(op);
    await pool.sendRawTransaction(signed!.rawTransaction as Hex);
  });

  it('refuses a signature by another key before anything is broadcast, and fills the nonce with a no-op', async () => {
    await keyGuardian.stop();
    const op = `op-${randomUUID()}`;
    await requestSignature(op);
    let row: { sign_request_id: string; unsigned_tx: Hex; nonce: string } | undefined;
    await waitUntil('reservation', async () => {
      [row] = await signer.dataSource.query<
        { sign_request_id: string; unsigned_tx: Hex; nonce: string }[]
      >(
        `SELECT sign_request_id, unsigned_tx, nonce FROM ts_nonce_reservation WHERE operation_id = $1`,
        [op],
      );
      return row !== undefined;
    });
    // A custody backend answering with a signature of another key (anvil's public dev key here).
    const forged = await sign({
      hash: signingHashOf(row!.unsigned_tx),
      privateKey: anvil.accounts[8]!.privateKey,
      to: 'hex',
    });
    await client.publish(
      'keel.key.sign.result.v1',
      { outcome: 'signed', requestId: row!.sign_request_id, operationId: op, signature: forged },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil(
      'failed signature.result',
      async () =>
        results.some((e) => e.payload.operationId === op && e.payload.outcome === 'failed'),
      {
        timeoutMs: 30_000,
      },
    );
    const failed = results.find((e) => e.payload.operationId === op)!.payload;
    expect(failed.outcome === 'failed' && failed.error.code).toBe('PAYLOAD_MISMATCH');
    expect(failed.outcome === 'failed' && failed.error.details?.['field']).toBe('signer');
    expect(signedFor(op)).toEqual([]);
    // key-guardian comes back: the original request is stale, the no-op fill is signed and mined.
    await startKeyGuardian();
    await waitUntil(
      'no-op filled',
      async () => (await pool.minedNonce(wallet)) === Number(row!.nonce) + 1,
      { timeoutMs: 60_000 },
    );
    const [filled] = await signer.dataSource.query<
      { state: string; kind: string; tx_hash: Hash }[]
    >(`SELECT state, kind, tx_hash FROM ts_nonce_reservation WHERE nonce = $1 AND signer = $2`, [
      Number(row!.nonce),
      wallet,
    ]);
    expect(filled).toMatchObject({ state: 'filled', kind: 'noop' });
    const tx = await pool.call('tx', (c) => c.getTransaction({ hash: filled!.tx_hash }));
    expect(tx.to?.toLowerCase()).toBe(wallet.toLowerCase());
    expect(tx.value).toBe(0n);
  });

  it('fails a request before any signature when the wallet cannot pay gas limit × max fee + value: INSUFFICIENT_GAS_FUNDS, nothing reserved', async () => {
    const empty = await newWallet(0n);
    const op = `op-${randomUUID()}`;
    await requestSignature(op, empty);
    const failed = await waitFailed(op);
    expect(failed.error).toMatchObject({
      code: 'INSUFFICIENT_GAS_FUNDS',
      retryable: false,
      details: { wallet: empty, chainId: 31337, available: '0', committed: '0' },
    });
    expect(BigInt(failed.error.details!['needed'] as string)).toBeGreaterThan(30_000n);
    expect(await reservationsOf(op)).toEqual([]);
    expect(signedFor(op)).toEqual([]);
    const lanes = await signer.dataSource.query<{ next_nonce: string }[]>(
      `SELECT next_nonce FROM ts_nonce_lane WHERE signer = $1`,
      [empty],
    );
    expect(lanes.map((l) => Number(l.next_nonce))).toEqual([0]);
  });

  it("counts what the wallet's transactions in flight may spend: a second request the balance cannot also pay fails alone", async () => {
    const reserve = 10n ** 16n; // gas for a few transactions at anvil's fees
    const w = await newWallet(10n ** 18n + reserve);
    const [big, over, small] = [`op-${randomUUID()}`, `op-${randomUUID()}`, `op-${randomUUID()}`];
    await requestSignature(big, w, '0x', 10n ** 18n);
    await waitSigned(big);
    await requestSignature(over, w, '0x', reserve);
    const failed = await waitFailed(over);
    expect(failed.error.code).toBe('INSUFFICIENT_GAS_FUNDS');
    expect(BigInt(failed.error.details!['committed'] as string)).toBeGreaterThan(10n ** 18n);
    await requestSignature(small, w, '0x', 10n ** 14n);
    const [s] = await waitSigned(small);
    // The failed request took no nonce: the next one follows the first without a gap.
    expect(Number(s!.nonce)).toBe(Number(signedFor(big)[0]!.nonce) + 1);
  });

  it('fills the signed but never broadcast nonce of an operation that FAILED before broadcast with a no-op; its signed bytes are never sent', async () => {
    const w = await newWallet();
    const op = `op-${randomUUID()}`;
    await requestSignature(op, w);
    const [signed] = await waitSigned(op);
    // Reconciliation does not send bytes the engine has not let go.
    const report = await signer.reconcile.execute({
      organizationId: ORG,
      signer: w,
      chainId: 31337,
    });
    expect(report.rebroadcast).toBe(0);
    expect(await pool.pendingNonce(w)).toBe(0);
    // The engine refused the payload (PAYLOAD_MISMATCH) while SIGNING: FAILED before broadcast.
    await client.publish(
      'keel.operation.status.v1',
      {
        operationId: op,
        status: 'FAILED',
        previousStatus: 'SIGNING',
        subStatus: 'PAYLOAD_MISMATCH',
        sequence: 5,
        at: new Date().toISOString(),
      },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil('no-op mined', async () => (await pool.minedNonce(w)) === 1, {
      timeoutMs: 60_000,
    });
    const rows = await signer.dataSource.query<{ state: string; kind: string }[]>(
      `SELECT state, kind FROM ts_nonce_reservation WHERE signer = $1 AND nonce = 0`,
      [w],
    );
    expect(rows).toEqual([{ state: 'filled', kind: 'noop' }]);
    const receipt = await pool.call('receipt', (c) =>
      c.getTransactionReceipt({ hash: signed!.hash as Hash }).catch(() => null),
    );
    expect(receipt).toBeNull();
  });

  it("answers a dropped receipt for bytes no node can take (INVALID_TRANSACTION) with the step's failure naming its hash, and fills the nonce", async () => {
    const w = await newWallet();
    const op = `op-${randomUUID()}`;
    await requestSignature(op, w);
    const [signed] = await waitSigned(op);
    const base = {
      operationId: op,
      transactionIndex: 0,
      chainId: 31337,
      from: w,
      nonce: signed!.nonce,
      hash: signed!.hash,
    };
    await client.publish(
      'keel.broadcast.requested.v1',
      { ...base, rawTransaction: signed!.rawTransaction },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil('reservation broadcast', async () =>
      (await reservationsOf(op)).some((r) => r.state === 'broadcast'),
    );
    await client.publish(
      'keel.receipt.v1',
      {
        ...base,
        status: 'dropped',
        confirmations: 0,
        error: { code: 'INVALID_TRANSACTION', message: 'intrinsic gas too low', retryable: false },
      },
      { organizationId: ORG, correlationId: op },
    );
    const failed = await waitFailed(op);
    expect(failed.error).toMatchObject({
      code: 'SIGNING_FAILED',
      details: { cause: 'INVALID_TRANSACTION', hash: signed!.hash },
    });
    await waitUntil('no-op mined', async () => (await pool.minedNonce(w)) === 1, {
      timeoutMs: 60_000,
    });
    // The nonce went to the no-op: the bytes reported INVALID were never sent again.
    expect(await rpc('eth_getTransactionReceipt', [signed!.hash])).toBeNull();
    // The abandoned reservation became the no-op fill of its nonce.
    expect((await reservationsOf(op)).map((r) => r.state)).toEqual(['filled']);
  });

  it('an operation that ended DEAD_LETTER while signing: its nonce becomes a no-op and a signature settled later is ignored', async () => {
    const w = await newWallet();
    await keyGuardian.stop();
    const op = `op-${randomUUID()}`;
    await requestSignature(op, w);
    let row: { sign_request_id: string; unsigned_tx: Hex } | undefined;
    await waitUntil('reservation', async () => {
      [row] = await signer.dataSource.query<{ sign_request_id: string; unsigned_tx: Hex }[]>(
        `SELECT sign_request_id, unsigned_tx FROM ts_nonce_reservation WHERE operation_id = $1`,
        [op],
      );
      return row !== undefined;
    });
    const original = row!;
    await client.publish(
      'keel.operation.status.v1',
      {
        operationId: op,
        status: 'DEAD_LETTER',
        previousStatus: 'SIGNING',
        subStatus: 'MESSAGE_DEAD_LETTERED',
        sequence: 5,
        at: new Date().toISOString(),
      },
      { organizationId: ORG, correlationId: op },
    );
    await waitUntil('no-op fill requested', async () => {
      const [r] = await signer.dataSource.query<{ kind: string; sign_request_id: string }[]>(
        `SELECT kind, sign_request_id FROM ts_nonce_reservation WHERE operation_id = $1`,
        [op],
      );
      return r?.kind === 'noop' && r.sign_request_id !== original.sign_request_id;
    });
    // The custodian's signature of the original request arrives late (a DLQ replay): ignored.
    const late = await sign({
      hash: signingHashOf(original.unsigned_tx),
      privateKey: anvil.accounts[8]!.privateKey,
      to: 'hex',
    });
    await client.publish(
      'keel.key.sign.result.v1',
      { outcome: 'signed', requestId: original.sign_request_id, operationId: op, signature: late },
      { organizationId: ORG, correlationId: op },
    );
    await startKeyGuardian();
    await waitUntil('no-op mined', async () => (await pool.minedNonce(w)) === 1, {
      timeoutMs: 60_000,
    });
    expect(signedFor(op)).toEqual([]);
    const [filled] = await signer.dataSource.query<{ state: string; kind: string }[]>(
      `SELECT state, kind FROM ts_nonce_reservation WHERE operation_id = $1`,
      [op],
    );
    expect(filled).toEqual({ state: 'filled', kind: 'noop' });
  });
});
