import { type AnvilHandle, startAnvil } from '@keel/testing';
import { type Address, type Hex, keccak256, parseTransaction, serializeTransaction } from 'viem';
import { privateKeyToAccount, sign } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IntegrityField,
  type PreparedRequest,
  PayloadIntegrityError,
  assertSignedTransaction,
  verifySignedTransaction,
} from './payload-integrity';
import {
  attachSignature,
  serializeUnsignedTransaction,
  signingHashOf,
  type UnsignedTransaction,
} from './transaction';
import { UpstreamPool } from './upstream-pool';

let anvil: AnvilHandle;
let pool: UpstreamPool;

beforeAll(async () => {
  anvil = await startAnvil();
  pool = new UpstreamPool({ chainId: anvil.chainId, urls: [anvil.rpcUrl] });
});
afterAll(async () => {
  await anvil?.stop();
});

function prepared(from: Address, to: Address): PreparedRequest {
  return {
    chainId: 31337,
    from,
    nonce: 0,
    to,
    data: '0xa9059cbb0000000000000000000000000000000000000000000000000000000000000001',
    value: 5n,
  };
}

async function signed(
  key: Hex,
  req: PreparedRequest,
  override: Partial<UnsignedTransaction> = {},
): Promise<Hex> {
  const unsigned = serializeUnsignedTransaction({
    chainId: req.chainId,
    nonce: Number(req.nonce),
    to: req.to,
    data: req.data,
    value: req.value,
    gas: 100_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
    ...override,
  });
  const signature = await sign({ hash: signingHashOf(unsigned), privateKey: key, to: 'hex' });
  return attachSignature(unsigned, signature);
}

describe('payload integrity', () => {
  it('accepts matching bytes and derives the hash the node reports', async () => {
    const [a, b] = anvil.accounts;
    const req = { ...prepared(a!.address, b!.address), data: '0x' as Hex };
    const raw = await signed(a!.privateKey, req);
    const r = await verifySignedTransaction(raw, req);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hash).toBe(keccak256(raw));
    const nodeHash = await pool.sendRawTransaction(raw);
    expect(nodeHash).toBe(r.hash);
  });

  const tamper: [
    IntegrityField,
    (
      req: PreparedRequest,
      other: { address: Address; privateKey: Hex },
    ) => [Partial<UnsignedTransaction>, Hex | undefined],
  ][] = [
    ['nonce', () => [{ nonce: 7 }, undefined]],
    ['to', (_r, o) => [{ to: o.address }, undefined]],
    [
      'calldata',
      () => [
        { data: '0xa9059cbb0000000000000000000000000000000000000000000000000000000000000002' },
        undefined,
      ],
    ],
    ['chainId', () => [{ chainId: 1 }, undefined]],
    ['value', () => [{ value: 6n }, undefined]],
    ['signer', (_r, o) => [{}, o.privateKey]],
  ];

  it.each(tamper)('refuses a payload whose %s differs, naming the field', async (field, make) => {
    const [a, b, c] = anvil.accounts;
    const req = prepared(a!.address, b!.address);
    const [override, key] = make(req, c!);
    const raw = await signed(key ?? a!.privateKey, req, override);
    const r = await verifySignedTransaction(raw, req);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.mismatches.map((m) => m.field)).toEqual([field]);
    await expect(assertSignedTransaction(raw, req)).rejects.toSatisfy(
      (e: unknown) => e instanceof PayloadIntegrityError && e.field === field,
    );
  });

  it('refuses unsigned and garbage bytes as an encoding mismatch', async () => {
    const [a, b] = anvil.accounts;
    const req = prepared(a!.address, b!.address);
    const raw = await signed(a!.privateKey, req);
    const tx = parseTransaction(raw);
    const unsigned = serializeTransaction({
      ...tx,
      r: undefined,
      s: undefined,
      v: undefined,
      yParity: undefined,
    });
    for (const bytes of [unsigned, '0x02deadbeef' as Hex]) {
      const r = await verifySignedTransaction(bytes, req);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.mismatches[0]?.field).toBe('encoding');
    }
  });

  it('the signer key recovered from attachSignature is the account that signed', async () => {
    const [a, b] = anvil.accounts;
    const req = prepared(a!.address, b!.address);
    const raw = await signed(a!.privateKey, req);
    const r = await verifySignedTransaction(raw, req);
    expect(r.ok && r.signer).toBe(privateKeyToAccount(a!.privateKey).address);
  });
});
