import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Address,
  decodeFunctionData,
  type Hex,
  keccak256,
  parseAbi,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializableEIP1559,
} from 'viem';
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';

/**
 * What both custody stand-ins share: the provider-side policy, the misbehaviour
 * knobs, and real secp256k1 keys the stand-in holds per wallet / vault.
 */
export type StandInPolicy =
  | { readonly kind: 'always-approve' }
  /** Signs at once up to the threshold; above it the request waits for an approval. */
  | { readonly kind: 'approve-above'; readonly threshold: bigint }
  | { readonly kind: 'deny'; readonly reason: string };

/** A field of a transaction the stand-in may tamper with when it signs. */
export const tamperableFields = ['nonce', 'to', 'data', 'chainId', 'value', 'signer'] as const;
export type TamperField = (typeof tamperableFields)[number];

export interface Misbehaviour {
  /** Added before every answer of the signing endpoints. */
  latencyMs: number;
  /** The next N create requests answer 503 without creating anything. */
  fail5xx: number;
  /** The next N create requests create the request, then answer 502 (the provider did it). */
  createThenFail5xx: number;
  /** Every signature from now on is over a tampered transaction. */
  tamper: TamperField | null;
  /** With `tamper`: how many signatures are tampered before it turns itself off (null: all). */
  tamperRemaining: number | null;
}

export function defaultMisbehaviour(): Misbehaviour {
  return { latencyMs: 0, fail5xx: 0, createThenFail5xx: 0, tamper: null, tamperRemaining: null };
}

/** The tamper of the signature being made now; counts it against `tamperRemaining`. */
export function takeTamper(m: Misbehaviour): TamperField | null {
  const tamper = m.tamper;
  if (tamper !== null && m.tamperRemaining !== null) {
    m.tamperRemaining -= 1;
    if (m.tamperRemaining <= 0) {
      m.tamper = null;
      m.tamperRemaining = null;
    }
  }
  return tamper;
}

export interface HeldKey {
  readonly account: PrivateKeyAccount;
}

export function newHeldKey(): HeldKey {
  return { account: privateKeyToAccount(generatePrivateKey()) };
}

/** A key nobody asked for: what a `signer` tamper signs with. */
const strangerKey = privateKeyToAccount(generatePrivateKey());

const TAMPERED_TO: Address = '0x000000000000000000000000000000000000dEaD';

/** The amount a policy sees: an ERC-20 transfer's amount, else the native value. */
export function policyAmountOf(
  to: Address | undefined,
  data: Hex | undefined,
  value: bigint,
): bigint {
  void to;
  if (data && data.length >= 10) {
    try {
      const call = decodeFunctionData({
        abi: parseAbi([
          'function transfer(address to, uint256 amount)',
          'function transferFrom(address from, address to, uint256 amount)',
          'function mint(address to, uint256 amount)',
        ]),
        data,
      });
      const amount = call.args[call.args.length - 1];
      if (typeof amount === 'bigint') return amount;
    } catch {
      // not a movement the stand-in understands: the native value is the amount
    }
  }
  return value;
}

/** Signs an unsigned EIP-1559 envelope, applying the tamper knob first. */
export async function signUnsignedTransaction(
  key: HeldKey,
  unsigned: Hex,
  tamper: TamperField | null,
): Promise<{ signedData: Hex; r: Hex; s: Hex; recid: number }> {
  const parsed = parseTransaction(unsigned);
  if (parsed.type !== 'eip1559') throw new Error(`unsupported transaction type ${parsed.type}`);
  const tx: TransactionSerializableEIP1559 = {
    type: 'eip1559',
    chainId: parsed.chainId ?? 0,
    nonce: parsed.nonce ?? 0,
    to: parsed.to ?? undefined,
    data: parsed.data,
    value: parsed.value ?? 0n,
    gas: parsed.gas,
    maxFeePerGas: parsed.maxFeePerGas,
    maxPriorityFeePerGas: parsed.maxPriorityFeePerGas,
    accessList: parsed.accessList,
  };
  switch (tamper) {
    case 'nonce':
      tx.nonce = (tx.nonce ?? 0) + 1;
      break;
    case 'to':
      tx.to = TAMPERED_TO;
      break;
    case 'data':
      tx.data = `${tx.data ?? '0x'}00` as Hex;
      break;
    case 'chainId':
      tx.chainId = tx.chainId + 1;
      break;
    case 'value':
      tx.value = (tx.value ?? 0n) + 1n;
      break;
    case 'signer':
    case null:
      break;
  }
  const signer = tamper === 'signer' ? strangerKey : key.account;
  const signedData = await signer.signTransaction(tx);
  const signed = parseTransaction(signedData);
  return {
    signedData,
    r: signed.r ?? '0x',
    s: signed.s ?? '0x',
    recid: Number(signed.yParity ?? 0),
  };
}

/** Signs a 32-byte digest as is (no prefix); a tamper signs another digest or with another key. */
export async function signDigest(
  key: HeldKey,
  digest: Hex,
  tamper: TamperField | null,
): Promise<{ r: Hex; s: Hex; v: number }> {
  const signer = tamper === 'signer' ? strangerKey : key.account;
  // On a hash the stand-in cannot see the fields: any other tamper signs a different digest.
  const target = tamper !== null && tamper !== 'signer' ? keccak256(digest) : digest;
  const sig = await signer.sign({ hash: target });
  const r: Hex = `0x${sig.slice(2, 66)}`;
  const s: Hex = `0x${sig.slice(66, 130)}`;
  const v = parseInt(sig.slice(130, 132), 16) - 27;
  return { r, s, v };
}

export function serializeForSigning(tx: TransactionSerializableEIP1559): Hex {
  return serializeTransaction(tx);
}

/** A JSON-over-HTTP server with a raw body (both providers sign over the exact bytes). */
export interface RawRequest {
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly url: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
}

export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface StandInServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startJsonServer(
  handle: (req: RawRequest) => Promise<JsonAnswer>,
): Promise<StandInServer> {
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://stand-in');
      const raw: RawRequest = {
        method: (req.method ?? 'GET').toUpperCase(),
        url,
        pathname: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      handle(raw)
        .then((answer) => {
          res.writeHead(answer.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer.body));
        })
        .catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: (err as Error).message } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Sends raw bytes to the chain, as a provider that broadcasts does. */
export async function broadcastRaw(rpcUrl: string, raw: Hex): Promise<Hex> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'eth_sendRawTransaction',
      params: [raw],
    }),
  });
  const body = (await res.json()) as { result?: Hex; error?: { message: string } };
  if (!body.result) throw new Error(`broadcast refused: ${body.error?.message ?? res.status}`);
  return body.result;
}

export async function rpc<T>(rpcUrl: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error || body.result === undefined)
    throw new Error(`${method} failed: ${body.error?.message ?? res.status}`);
  return body.result;
}
