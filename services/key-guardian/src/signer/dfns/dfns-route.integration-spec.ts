import { randomUUID } from 'node:crypto';
import {
  attachSignature,
  recoverTransactionSigner,
  serializeUnsignedTransaction,
} from '@keel/chain';
import { DfnsApiClient } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';
import {
  type DfnsStandIn,
  newDfnsCredential,
  startDfnsStandIn,
  testInternalHeaders,
} from '@keel/testing';
import pg from 'pg';
import { encodeFunctionData, getAddress, type Hex, parseAbi } from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type KeyGuardianStack,
  startKeyGuardianStack,
} from '../../test-support/key-guardian-stack';

// key-guardian (real PostgreSQL, in-process bus) with a DFNS wallet registered over its internal
// API, signing key.sign.requested through the real @dfns/sdk against the DFNS stand-in.
const ORG = 'org-dfns-route';
const credential = newDfnsCredential('ed25519');
const AUTH_TOKEN = `dfns-sa-${randomUUID()}`;
const secretEnv = {
  KEEL_DFNS_TOKEN: AUTH_TOKEN,
  KEEL_DFNS_CREDENTIAL_KEY: credential.privateKeyPem,
};

let stack: KeyGuardianStack;
let standIn: DfnsStandIn;
let dfnsWalletId: string;
let address: Hex;

function unsignedTx(nonce: number): Hex {
  return serializeUnsignedTransaction({
    chainId: 31337,
    nonce,
    to: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    data: encodeFunctionData({
      abi: parseAbi(['function transfer(address to, uint256 amount)']),
      args: ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 5n],
    }),
    value: 0n,
    gas: 80_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000n,
  });
}

async function requestSignature(nonce: number) {
  const requestId = randomUUID();
  const unsigned = unsignedTx(nonce);
  await stack.client.publish(
    'keel.key.sign.requested.v1',
    {
      requestId,
      operationId: `op-${requestId}`,
      signer: address,
      chainId: 31337,
      unsignedTransaction: unsigned,
    },
    { organizationId: ORG, correlationId: `op-${requestId}` },
  );
  const [result] = await stack.resultFor(requestId);
  return { unsigned, payload: result!.payload };
}

const register = (body: unknown) =>
  fetch(`${stack.kg.url}/internal/v1/wallets/dfns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...testInternalHeaders },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  standIn = await startDfnsStandIn({
    users: [{ userId: 'us-keel', authToken: AUTH_TOKEN, credentials: [credential] }],
  });
  stack = await startKeyGuardianStack({
    databasePrefix: 'kg_dfns',
    bus: 'in-process',
    clientGroup: 'kg-dfns-test',
    env: { KEEL_LOG_LEVEL: 'debug' },
    secretEnv,
  });
  const operator = new DfnsApiClient({
    baseUrl: standIn.url,
    authToken: AUTH_TOKEN,
    signer: new AsymmetricKeySigner({
      credId: credential.credId,
      privateKey: credential.privateKeyPem,
    }),
  });
  const wallet = await operator.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
  dfnsWalletId = wallet.id;
  address = getAddress(wallet.address as Hex);
});

afterAll(async () => {
  await stack?.stop();
  await standIn?.close();
});

afterEach(() => {
  Object.assign(standIn.misbehaviour, {
    latencyMs: 0,
    fail5xx: 0,
    createThenFail5xx: 0,
    tamper: null,
  });
});

const connection = () => ({
  baseUrl: standIn.url,
  credId: credential.credId,
  authToken: 'env:KEEL_DFNS_TOKEN',
  privateKey: 'env:KEEL_DFNS_CREDENTIAL_KEY',
});

describe('the DFNS sign-only route in key-guardian', () => {
  it('registers a DFNS wallet by id with credential references, never values', async () => {
    const raw = await register({
      organizationId: ORG,
      dfnsWalletId,
      connection: { ...connection(), authToken: AUTH_TOKEN },
    });
    expect(raw.status).toBe(422);
    expect(await raw.text()).not.toContain(AUTH_TOKEN);
    const unknown = await register({
      organizationId: ORG,
      dfnsWalletId: 'wa-missing',
      connection: connection(),
    });
    expect(unknown.status).toBe(422);

    const res = await register({
      organizationId: ORG,
      label: 'dfns treasury',
      dfnsWalletId,
      connection: connection(),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ address, provider: 'dfns', label: 'dfns treasury' });
    const again = await register({ organizationId: ORG, dfnsWalletId, connection: connection() });
    expect(again.status).toBe(201);

    const listed = (await (
      await fetch(`${stack.kg.url}/internal/v1/wallets?organizationId=${ORG}`, {
        headers: testInternalHeaders,
      })
    ).json()) as { address: string; provider: string }[];
    expect(listed).toEqual([expect.objectContaining({ address, provider: 'dfns' })]);

    const db = new pg.Client({ connectionString: stack.db.url });
    await db.connect();
    try {
      const rows = await db.query(`SELECT * FROM kg_wallet WHERE provider = 'dfns'`);
      expect(rows.rows).toHaveLength(1);
      const stored = JSON.stringify(rows.rows[0]);
      expect(stored).toContain('env:KEEL_DFNS_TOKEN');
      expect(stored).not.toContain(AUTH_TOKEN);
      expect(stored).not.toContain('PRIVATE KEY');
    } finally {
      await db.end();
    }
  });

  it('signs key.sign.requested through DFNS: the signature recovers to the DFNS wallet', async () => {
    const { unsigned, payload } = await requestSignature(0);
    expect(payload.outcome).toBe('signed');
    if (payload.outcome !== 'signed') return;
    expect(recoverTransactionSigner(attachSignature(unsigned, payload.signature as Hex))).toBe(
      address,
    );
    expect(standIn.requests(dfnsWalletId)).toHaveLength(1);
  });

  it('a tampered field from DFNS is refused before anything leaves key-guardian, naming the field', async () => {
    standIn.misbehaviour.tamper = 'to';
    const { payload } = await requestSignature(1);
    expect(payload).toMatchObject({
      outcome: 'refused',
      error: { code: 'PAYLOAD_MISMATCH', details: { field: 'to' } },
    });
  });

  it('DFNS answers 5xx twice, then signs: one provider signature for the request', async () => {
    const before = standIn.requests(dfnsWalletId).length;
    standIn.misbehaviour.fail5xx = 2;
    const { payload } = await requestSignature(2);
    expect(payload.outcome).toBe('signed');
    expect(standIn.requests(dfnsWalletId).length).toBe(before + 1);
  });

  it('no credential value appears in any log line', () => {
    const pemBody = credential.privateKeyPem.split('\n')[1] ?? '';
    expect(stack.logLines.some((l) => l.includes('DFNS wallet registered'))).toBe(true);
    expect(stack.logLines.some((l) => l.includes('reconciling by externalId'))).toBe(true);
    for (const line of stack.logLines) {
      expect(line).not.toContain(AUTH_TOKEN);
      expect(line).not.toContain(pemBody);
    }
  });
});
