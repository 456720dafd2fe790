import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  attachSignature,
  serializeUnsignedTransaction,
  signingHashOf,
  transactionHashOf,
} from '@keel/chain';
import { type AnvilHandle, startAnvil } from '@keel/testing';
import { type Address, type Hash, type Hex, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount, sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastVerdict } from '../broadcast/receipts';
import { ChainRepository, type SendOutcome } from './chain.repository';

/**
 * Every class of broadcast error on a real anvil (manual mining, so the pool holds what it
 * takes): the class ChainRepository.send reports, the fate `broadcastVerdict` gives it, and
 * whether the bytes could in fact still be mined — the table in the chain-gateway README.
 */
let anvil: AnvilHandle;
let chain: ChainRepository;
let proxy: Server;
let proxyMode: 'hang' | 'drop-after-send' = 'hang';
let proxied: ChainRepository;

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

async function signed(
  key: Hex,
  o: {
    nonce: number;
    value?: bigint;
    gas?: bigint;
    maxFeePerGas?: bigint;
    maxPriorityFeePerGas?: bigint;
    chainId?: number;
  },
): Promise<{ raw: Hex; hash: Hash; from: Address }> {
  const unsigned = serializeUnsignedTransaction({
    chainId: o.chainId ?? 31337,
    nonce: o.nonce,
    to: '0x000000000000000000000000000000000000dEaD',
    data: '0x',
    value: o.value ?? 1n,
    gas: o.gas ?? 21_000n,
    maxFeePerGas: o.maxFeePerGas ?? 50_000_000_000n,
    maxPriorityFeePerGas: o.maxPriorityFeePerGas ?? 1_000_000n,
  });
  const raw = attachSignature(
    unsigned,
    await sign({ hash: signingHashOf(unsigned), privateKey: key, to: 'hex' }),
  );
  return { raw, hash: transactionHashOf(raw), from: privateKeyToAccount(key).address };
}

/** A fresh funded key: each case has its own nonces. */
async function funded(wei = 10n ** 18n): Promise<Hex> {
  const key = generatePrivateKey();
  await rpc('anvil_setBalance', [privateKeyToAccount(key).address, toHex(wei)]);
  return key;
}

function fate(outcome: SendOutcome) {
  return outcome.kind === 'accepted'
    ? { kind: 'accepted' as const }
    : { kind: outcome.reason.kind, ...broadcastVerdict(outcome.reason.kind) };
}

async function mine(): Promise<void> {
  await rpc('evm_mine');
}

async function minedStatus(hash: Hash): Promise<string | null> {
  const r = await rpc<{ status: string } | null>('eth_getTransactionReceipt', [hash]);
  return r?.status ?? null;
}

beforeAll(async () => {
  anvil = await startAnvil({ mining: { kind: 'manual' } });
  chain = new ChainRepository({ 31337: [anvil.rpcUrl] });
  // An upstream that passes each request to anvil and then never answers, or drops the
  // connection once anvil answered: the node has the bytes, the caller does not know.
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void fetch(anvil.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.concat(chunks),
      }).then(async (r) => {
        await r.text();
        if (proxyMode === 'drop-after-send') req.socket.destroy();
        // 'hang': no answer; the client's timeout ends it.
        void res;
      });
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = (proxy.address() as AddressInfo).port;
  proxied = new ChainRepository({ 31337: [`http://127.0.0.1:${port}`] }, undefined, 400);
}, 120_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await anvil?.stop();
});

describe('broadcast errors, class by class, on anvil', () => {
  it('already known: the same bytes again are accepted', async () => {
    const key = await funded();
    const tx = await signed(key, { nonce: 0 });
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({ kind: 'accepted' });
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({ kind: 'accepted' });
    await mine();
    expect(await minedStatus(tx.hash)).toBe('0x1');
    // and once mined, "nonce too low" for exactly these bytes is still them: accepted.
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({ kind: 'accepted' });
  });

  it('nonce too low for other bytes: the nonce went to another transaction, dropped for good', async () => {
    const key = await funded();
    const first = await signed(key, { nonce: 0 });
    await chain.send(31337, first.raw, first.hash);
    await mine();
    const other = await signed(key, { nonce: 0, value: 2n });
    expect(fate(await chain.send(31337, other.raw, other.hash))).toEqual({
      kind: 'nonce-too-low',
      fate: 'dropped',
      code: 'NONCE_CONSUMED',
    });
    await mine();
    expect(await minedStatus(other.hash)).toBeNull();
  });

  it('replacement underpriced: another transaction holds the nonce in the pool; refused, and whichever is mined wins', async () => {
    const key = await funded();
    const held = await signed(key, { nonce: 0 });
    await chain.send(31337, held.raw, held.hash);
    const rival = await signed(key, { nonce: 0, value: 2n });
    expect(fate(await chain.send(31337, rival.raw, rival.hash))).toEqual({
      kind: 'replacement-underpriced',
      fate: 'refused',
      code: 'REPLACEMENT_UNDERPRICED',
    });
    await mine();
    expect(await minedStatus(held.hash)).toBe('0x1');
    // Sent again after the other was mined, the rival learns it can never be mined.
    expect(fate(await chain.send(31337, rival.raw, rival.hash))).toMatchObject({
      fate: 'dropped',
      code: 'NONCE_CONSUMED',
    });
  });

  it('nonce too high: anvil queues the bytes (a node that refuses says NONCE_GAP, may still be mined); mined once the gap is filled', async () => {
    const key = await funded();
    const ahead = await signed(key, { nonce: 1 });
    expect(fate(await chain.send(31337, ahead.raw, ahead.hash))).toEqual({ kind: 'accepted' });
    expect(broadcastVerdict('nonce-too-high')).toEqual({ fate: 'refused', code: 'NONCE_GAP' });
    const gap = await signed(key, { nonce: 0 });
    await chain.send(31337, gap.raw, gap.hash);
    await mine();
    expect(await minedStatus(ahead.hash)).toBe('0x1');
  });

  it('insufficient funds: refused, the node keeps nothing; the same bytes are mined once the wallet is funded', async () => {
    const key = await funded(0n);
    const tx = await signed(key, { nonce: 0 });
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({
      kind: 'insufficient-funds',
      fate: 'refused',
      code: 'INSUFFICIENT_GAS_FUNDS',
    });
    await mine();
    expect(await minedStatus(tx.hash)).toBeNull();
    await rpc('anvil_setBalance', [tx.from, toHex(10n ** 18n)]);
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({ kind: 'accepted' });
    await mine();
    expect(await minedStatus(tx.hash)).toBe('0x1');
  });

  it('fee cap below the base fee: refused FEE_CAP_TOO_LOW (minable once the base fee falls or the fee is bumped)', async () => {
    const key = await funded();
    const tx = await signed(key, { nonce: 0, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n });
    expect(fate(await chain.send(31337, tx.raw, tx.hash))).toEqual({
      kind: 'fee-cap-too-low',
      fate: 'refused',
      code: 'FEE_CAP_TOO_LOW',
    });
  });

  it('intrinsic gas too low, above the block gas limit, another chain id: bytes no node will take, dropped INVALID_TRANSACTION', async () => {
    const key = await funded();
    for (const o of [{ gas: 20_000n }, { gas: 10n ** 9n }, { chainId: 5 }]) {
      const tx = await signed(key, { nonce: 0, ...o });
      expect(fate(await chain.send(31337, tx.raw, tx.hash))).toMatchObject({
        fate: 'dropped',
        code: 'INVALID_TRANSACTION',
      });
    }
  });

  it.each([
    ['an RPC timeout after the request reached the node', 'hang'],
    ['a connection dropped after the node answered', 'drop-after-send'],
  ] as const)('%s: refused RPC_UNAVAILABLE, and the bytes are in fact mined', async (_, mode) => {
    proxyMode = mode;
    const key = await funded();
    const tx = await signed(key, { nonce: 0 });
    expect(fate(await proxied.send(31337, tx.raw, tx.hash))).toEqual({
      kind: 'transport',
      fate: 'refused',
      code: 'RPC_UNAVAILABLE',
    });
    await mine();
    expect(await minedStatus(tx.hash)).toBe('0x1');
  });
});
