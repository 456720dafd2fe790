import { randomBytes, randomUUID } from 'node:crypto';
import type { EventBus } from '@keel/bus';
import { serializeUnsignedTransaction, signingHashOf } from '@keel/chain';
import { testInternalHeaders } from '@keel/testing';
import pg from 'pg';
import { type Hex, recoverAddress, recoverMessageAddress, recoverTypedDataAddress } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningKeyGuardian } from './bootstrap';
import { EnvelopeCipher } from './keystore/envelope-cipher';
import { KeystoreRepository } from './keystore/keystore.repository';
import type { CustodyPolicy } from './policy/custody-policy';
import { LocalKeystoreSigner } from './signer/local-keystore.signer';
import { SignerError } from './signer/unified-signer';
import { type KeyGuardianStack, startKeyGuardianStack } from './test-support/key-guardian-stack';

const ORG = 'org-kg';
// anvil's first development key: public, used only to prove it never reaches a log.
const KNOWN_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' as Hex;

let stack: KeyGuardianStack;
let kg: RunningKeyGuardian;
let client: EventBus;

function unsignedTx(nonce = 0, chainId = 31337, value = 1n): Hex {
  return serializeUnsignedTransaction({
    chainId,
    nonce,
    to: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    data: '0x',
    value,
    gas: 21_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  });
}

beforeAll(async () => {
  // Today's custodian policy allows everything; this one holds 1 ETH or more, as issue 7's limits will.
  const holdLarge: CustodyPolicy = {
    evaluate: async (req) =>
      req.transaction.value >= 10n ** 18n
        ? { kind: 'hold', approvalId: `approval-${req.requestId}`, reason: 'amount over limit' }
        : { kind: 'allow' },
  };
  stack = await startKeyGuardianStack({
    databasePrefix: 'key_guardian',
    bus: 'kafka',
    clientGroup: 'kg-test',
    env: { KEEL_LOG_LEVEL: 'debug' },
    policy: holdLarge,
  });
  ({ kg, client } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

describe('key-guardian', () => {
  it('creates and lists wallets over its internal API, answers health', async () => {
    const res = await fetch(`${kg.url}/internal/v1/wallets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testInternalHeaders },
      body: JSON.stringify({ organizationId: ORG, label: 'treasury' }),
    });
    expect(res.status).toBe(201);
    const wallet = (await res.json()) as { address: string; provider: string };
    expect(wallet.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(wallet.provider).toBe('local');
    expect(JSON.stringify(wallet)).not.toMatch(/privateKey|ciphertext/i);
    const list = (await (
      await fetch(`${kg.url}/internal/v1/wallets?organizationId=${ORG}`, {
        headers: testInternalHeaders,
      })
    ).json()) as { address: string }[];
    expect(list.map((w) => w.address)).toContain(wallet.address);
    expect(
      (
        await fetch(`${kg.url}/internal/v1/wallets`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json', ...testInternalHeaders },
        })
      ).status,
    ).toBe(422);
    // Only Keel services (KEEL_INTERNAL_TOKEN) reach the internal API: 401 problem otherwise.
    const intruder = await fetch(`${kg.url}/internal/v1/wallets`, {
      method: 'POST',
      body: JSON.stringify({ organizationId: ORG, label: 'intruder' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(intruder.status).toBe(401);
    expect(((await intruder.json()) as { error: { category: string } }).error.category).toBe(
      'authentication',
    );
    expect((await fetch(`${kg.url}/health`)).status).toBe(200);
    // Another organization does not see it.
    const other = (await (
      await fetch(`${kg.url}/internal/v1/wallets?organizationId=other`, {
        headers: testInternalHeaders,
      })
    ).json()) as unknown[];
    expect(other).toEqual([]);
  });

  it('finds a wallet by address through the lowered-address index, not by reading the organization', async () => {
    const db = new pg.Client({ connectionString: stack.db.url });
    await db.connect();
    try {
      await db.query('BEGIN');
      // Tiny test tables make any plan cheap: with sequential scans off, the index the
      // planner picks shows which one can serve the lookup keystore.repository.ts makes.
      await db.query('SET LOCAL enable_seqscan = off');
      const plan = await db.query<{ 'QUERY PLAN': unknown }>(
        `EXPLAIN (FORMAT JSON) SELECT * FROM kg_wallet WHERE organization_id = $1 AND lower(address) = lower($2)`,
        [ORG, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'],
      );
      const text = JSON.stringify(plan.rows[0]!['QUERY PLAN']);
      expect(text).toContain('kg_wallet_organization_address_lower');
      expect(text).not.toContain('"Filter"');
    } finally {
      await db.query('ROLLBACK').catch(() => undefined);
      await db.end();
    }
  });

  it('signs key.sign.requested over Kafka once per event, and the same request id never signs another payload', async () => {
    const wallet = await kg.signer.importWallet(ORG, KNOWN_KEY, 'dev');
    const requestId = randomUUID();
    const unsigned = unsignedTx();
    const event = await client.publish(
      'keel.key.sign.requested.v1',
      {
        requestId,
        operationId: 'op-1',
        signer: wallet.address,
        chainId: 31337,
        unsignedTransaction: unsigned,
      },
      { organizationId: ORG, correlationId: 'op-1' },
    );
    const [first] = await stack.resultFor(requestId);
    expect(first?.payload.outcome).toBe('signed');
    if (first?.payload.outcome !== 'signed') return;
    expect(first.causationId).toBe(event.id);
    expect(
      await recoverAddress({
        hash: signingHashOf(unsigned),
        signature: first.payload.signature as Hex,
      }),
    ).toBe(wallet.address);

    // The same event delivered again (crash before commit): the inbox makes it a no-op.
    await client.publishEvents([{ topic: 'keel.key.sign.requested.v1', event }]);
    // A new event with the same request id and payload: the recorded signature again.
    await client.publish(
      'keel.key.sign.requested.v1',
      {
        requestId,
        operationId: 'op-1',
        signer: wallet.address,
        chainId: 31337,
        unsignedTransaction: unsigned,
      },
      { organizationId: ORG, correlationId: 'op-1' },
    );
    const two = await stack.resultFor(requestId, 2);
    expect(two[1]?.payload).toEqual(first.payload);
    // Another payload under the same request id is refused.
    await client.publish(
      'keel.key.sign.requested.v1',
      {
        requestId,
        operationId: 'op-1',
        signer: wallet.address,
        chainId: 31337,
        unsignedTransaction: unsignedTx(1),
      },
      { organizationId: ORG, correlationId: 'op-1' },
    );
    const three = await stack.resultFor(requestId, 3);
    expect(three[2]?.payload.outcome === 'refused' && three[2].payload.error.code).toBe(
      'REQUEST_ID_REUSED',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.results.get(requestId)).toHaveLength(3);
  });

  it('refuses an unknown wallet, a chain mismatch and malformed bytes with typed errors', async () => {
    const wallet = (await kg.signer.listWallets(ORG))[0]!;
    const cases: [string, string, Hex, number][] = [
      ['WALLET_NOT_FOUND', '0x0000000000000000000000000000000000000bad', unsignedTx(), 31337],
      ['CHAIN_MISMATCH', wallet.address, unsignedTx(0, 1), 31337],
      ['MALFORMED_TRANSACTION', wallet.address, '0x02c0ffee', 31337],
    ];
    for (const [code, signer, unsigned, chainId] of cases) {
      const requestId = randomUUID();
      await client.publish(
        'keel.key.sign.requested.v1',
        { requestId, operationId: 'op-2', signer, chainId, unsignedTransaction: unsigned },
        { organizationId: ORG, correlationId: 'op-2' },
      );
      const [r] = await stack.resultFor(requestId);
      expect(r?.payload.outcome === 'refused' && r.payload.error.code).toBe(code);
    }
  });

  it('a custodian policy hold answers pending-approval with the approval id, and a replay says the same', async () => {
    const wallet = (await kg.signer.listWallets(ORG)).find((w) => w.label === 'dev')!;
    const requestId = randomUUID();
    const payload = {
      requestId,
      operationId: 'op-3',
      signer: wallet.address,
      chainId: 31337,
      unsignedTransaction: unsignedTx(2, 31337, 10n ** 18n),
    };
    await client.publish('keel.key.sign.requested.v1', payload, {
      organizationId: ORG,
      correlationId: 'op-3',
    });
    const [held] = await stack.resultFor(requestId);
    expect(held?.payload).toEqual({
      outcome: 'pending-approval',
      requestId,
      operationId: 'op-3',
      approvalId: `approval-${requestId}`,
    });
    await client.publish('keel.key.sign.requested.v1', payload, {
      organizationId: ORG,
      correlationId: 'op-3',
    });
    const [, again] = await stack.resultFor(requestId, 2);
    expect(again?.payload).toEqual(held?.payload);
  });

  it('signs messages and typed data through the unified signer', async () => {
    const wallet = (await kg.signer.listWallets(ORG)).find((w) => w.label === 'dev')!;
    const ref = { organizationId: ORG, address: wallet.address };
    const sig = await kg.signer.signMessage(ref, 'hello keel');
    expect(await recoverMessageAddress({ message: 'hello keel', signature: sig })).toBe(
      wallet.address,
    );
    const typed = {
      domain: { name: 'Keel', version: '1', chainId: 31337 },
      types: { Mail: [{ name: 'contents', type: 'string' }] },
      primaryType: 'Mail' as const,
      message: { contents: 'hi' },
    };
    const tsig = await kg.signer.signTypedData(ref, typed);
    expect(await recoverTypedDataAddress({ ...typed, signature: tsig })).toBe(wallet.address);
  });

  it('with the wrong master key, refuses with a typed error that carries no key material', async () => {
    const wrong = new LocalKeystoreSigner(
      new KeystoreRepository(kg.dataSource),
      new EnvelopeCipher(randomBytes(32).toString('hex'), 'v1'),
    );
    const wallet = (await kg.signer.listWallets(ORG)).find((w) => w.label === 'dev')!;
    const err = await wrong
      .signMessage({ organizationId: ORG, address: wallet.address }, 'x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignerError);
    expect((err as SignerError).code).toBe('KEYSTORE_INTEGRITY');
    const text = `${(err as Error).message}${(err as Error).stack ?? ''}${JSON.stringify(err)}`;
    expect(text).not.toContain(KNOWN_KEY.slice(2));
  });

  it('wrote no key material to its logs', () => {
    const all = stack.logLines.join('\n').toLowerCase();
    expect(stack.logLines.length).toBeGreaterThan(3);
    expect(all).toContain('signing request handled');
    expect(all).not.toContain(KNOWN_KEY.slice(2));
    expect(all).not.toContain(stack.masterKey.toLowerCase());
  });
});
