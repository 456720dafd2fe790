import { Writable } from 'node:stream';
import { attachSignature, recoverTransactionSigner } from '@keel/chain';
import { createLogger } from '@keel/telemetry';
import {
  type DfnsStandIn,
  newDfnsCredential,
  startDfnsStandIn,
  type TamperField,
  tamperableFields,
} from '@keel/testing';
import { DfnsApiClient } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';
import {
  type Address,
  encodeFunctionData,
  getAddress,
  type Hex,
  parseAbi,
  recoverMessageAddress,
  serializeTransaction,
} from 'viem';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignerError } from '../unified-signer';
import type { DfnsWallet, DfnsWalletDirectory } from './dfns-wallet';
import { DfnsSigner } from './dfns.signer';
import { EnvFileSecretResolver, parseSecretReference } from './secret-reference';

// The adapter with the real @dfns/sdk against the DFNS stand-in; credentials reach it as
// env: references only, and every log line it writes is captured and searched for them.
const ORG = 'org-dfns';
const credential = newDfnsCredential('p256');
const AUTH_TOKEN = `sa-token-${Math.random().toString(36).slice(2)}-secret`;
const env = { KEEL_TEST_DFNS_TOKEN: AUTH_TOKEN, KEEL_TEST_DFNS_KEY: credential.privateKeyPem };

const lines: string[] = [];
const logger = createLogger({
  service: 'key-guardian-test',
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  }),
});

const tamperedField: Record<TamperField, string> = {
  nonce: 'nonce',
  to: 'to',
  data: 'calldata',
  chainId: 'chainId',
  value: 'value',
  signer: 'signer',
};

describe('DfnsSigner (sign-only route) against the DFNS stand-in', () => {
  let standIn: DfnsStandIn;
  let signer: DfnsSigner;
  const wallets = new Map<string, DfnsWallet>();
  const directory: DfnsWalletDirectory = {
    find: (org, address) => Promise.resolve(wallets.get(`${org}/${getAddress(address)}`) ?? null),
  };

  beforeAll(async () => {
    standIn = await startDfnsStandIn({
      users: [{ userId: 'us-keel', authToken: AUTH_TOKEN, credentials: [credential] }],
    });
    signer = new DfnsSigner(directory, new EnvFileSecretResolver(env), logger, {
      backoffMs: 20,
      requestTimeoutMs: 2_000,
    });
  });
  afterAll(() => standIn.close());
  afterEach(() => {
    Object.assign(standIn.misbehaviour, {
      latencyMs: 0,
      fail5xx: 0,
      createThenFail5xx: 0,
      tamper: null,
    });
  });

  /** A wallet created in DFNS through the SDK (the operator's side), registered in the directory. */
  async function newWallet(): Promise<DfnsWallet> {
    const dfns = new DfnsApiClient({
      baseUrl: standIn.url,
      authToken: AUTH_TOKEN,
      signer: new AsymmetricKeySigner({
        credId: credential.credId,
        privateKey: credential.privateKeyPem,
        algorithm: 'SHA256',
      }),
    });
    const created = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
    const wallet: DfnsWallet = {
      organizationId: ORG,
      address: getAddress(created.address as Address),
      dfnsWalletId: created.id,
      connection: {
        baseUrl: standIn.url,
        credId: credential.credId,
        authToken: parseSecretReference('env:KEEL_TEST_DFNS_TOKEN'),
        privateKey: parseSecretReference('env:KEEL_TEST_DFNS_KEY'),
      },
    };
    wallets.set(`${ORG}/${wallet.address}`, wallet);
    return wallet;
  }

  function unsigned(nonce = 7): Hex {
    return serializeTransaction({
      type: 'eip1559',
      chainId: 31337,
      nonce,
      to: '0x00000000000000000000000000000000000000aa',
      data: encodeFunctionData({
        abi: parseAbi(['function transfer(address to, uint256 amount)']),
        args: ['0x00000000000000000000000000000000000000bb', 250n],
      }),
      value: 0n,
      gas: 90_000n,
      maxFeePerGas: 3_000_000_000n,
      maxPriorityFeePerGas: 1_000_000_000n,
    });
  }

  const sign = (wallet: DfnsWallet, tx: Hex, idempotencyKey = `req-${Math.random()}`) =>
    signer.signTransaction({
      wallet: { organizationId: ORG, address: wallet.address },
      chainId: 31337,
      unsignedTransaction: tx,
      idempotencyKey,
    });

  it('signs a transaction: the signature on the prepared bytes recovers to the wallet address', async () => {
    const wallet = await newWallet();
    const tx = unsigned();
    const outcome = await sign(wallet, tx, 'req-1');
    expect(outcome.kind).toBe('signed');
    if (outcome.kind !== 'signed') return;
    const raw = attachSignature(tx, outcome.signature);
    expect(recoverTransactionSigner(raw)).toBe(wallet.address);
    const held = standIn.requests(wallet.dfnsWalletId);
    expect(held).toHaveLength(1);
    expect(held[0]?.externalId).toMatch(/^keel-[0-9a-f]{40}$/);
  });

  it.each(tamperableFields)(
    'a signature whose %s was tampered is refused by the integrity check, naming the field',
    async (field) => {
      const wallet = await newWallet();
      standIn.misbehaviour.tamper = field;
      const err = (await sign(wallet, unsigned()).catch((e: unknown) => e)) as SignerError;
      expect(err).toBeInstanceOf(SignerError);
      expect(err.code).toBe('PAYLOAD_MISMATCH');
      expect(err.retryable).toBe(false);
      expect(err.details?.['field']).toBe(tamperedField[field]);
      expect(err.message).toContain(tamperedField[field]);
    },
  );

  it('5xx then success: backs off, reconciles by externalId, one provider signature only', async () => {
    const wallet = await newWallet();
    standIn.misbehaviour.fail5xx = 2;
    const outcome = await sign(wallet, unsigned(), 'req-5xx');
    expect(outcome.kind).toBe('signed');
    expect(standIn.createRequests(wallet.dfnsWalletId)).toBe(3);
    expect(standIn.requests(wallet.dfnsWalletId)).toHaveLength(1);
  });

  it('a 5xx after DFNS created the request: found by externalId, never created twice', async () => {
    const wallet = await newWallet();
    standIn.misbehaviour.createThenFail5xx = 1;
    const outcome = await sign(wallet, unsigned(), 'req-502');
    expect(outcome.kind).toBe('signed');
    expect(standIn.createRequests(wallet.dfnsWalletId)).toBe(1);
    expect(standIn.requests(wallet.dfnsWalletId)).toHaveLength(1);
  });

  it('a timeout that DFNS completed later: found by externalId before the retry', async () => {
    const wallet = await newWallet();
    const slow = new DfnsSigner(directory, new EnvFileSecretResolver(env), logger, {
      requestTimeoutMs: 100,
      backoffMs: 400,
      random: () => 1,
    });
    standIn.misbehaviour.latencyMs = 200;
    const outcome = await slow.signTransaction({
      wallet: { organizationId: ORG, address: wallet.address },
      chainId: 31337,
      unsignedTransaction: unsigned(),
      idempotencyKey: 'req-timeout',
    });
    expect(outcome.kind).toBe('signed');
    expect(standIn.createRequests(wallet.dfnsWalletId)).toBe(1);
    expect(standIn.requests(wallet.dfnsWalletId)).toHaveLength(1);
  });

  it('the same signing request again (a redelivery) gets the same signature, no second request', async () => {
    const wallet = await newWallet();
    const tx = unsigned();
    const first = await sign(wallet, tx, 'req-again');
    const second = await sign(wallet, tx, 'req-again');
    expect(second).toEqual(first);
    expect(standIn.requests(wallet.dfnsWalletId)).toHaveLength(1);
  });

  it('a provider outage past the attempts is a retryable PROVIDER_UNAVAILABLE', async () => {
    const wallet = await newWallet();
    standIn.misbehaviour.fail5xx = 10;
    const err = (await sign(wallet, unsigned()).catch((e: unknown) => e)) as SignerError;
    expect(err).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(standIn.requests(wallet.dfnsWalletId)).toHaveLength(0);
  });

  it('a DFNS deny policy is BLOCKED_BY_POLICY with the provider’s reason', async () => {
    const wallet = await newWallet();
    standIn.setPolicy(wallet.dfnsWalletId, { kind: 'deny', reason: 'wallet frozen by the bank' });
    await expect(sign(wallet, unsigned())).rejects.toMatchObject({
      code: 'BLOCKED_BY_POLICY',
      message: expect.stringContaining('wallet frozen by the bank') as unknown,
    });
  });

  it('a DFNS approval policy holds the request: approval-required with its approvalId', async () => {
    const wallet = await newWallet();
    standIn.setPolicy(wallet.dfnsWalletId, { kind: 'approve-above', threshold: 100n });
    const outcome = await sign(wallet, unsigned());
    expect(outcome).toMatchObject({
      kind: 'approval-required',
      approvalId: expect.stringMatching(/^ap-/) as unknown,
    });
  });

  it('a wrong credential is refused by DFNS and not retried', async () => {
    const wallet = await newWallet();
    const wrong = new DfnsSigner(
      directory,
      new EnvFileSecretResolver({ ...env, KEEL_TEST_DFNS_TOKEN: 'sa-token-revoked' }),
      logger,
    );
    await expect(
      wrong.signTransaction({
        wallet: { organizationId: ORG, address: wallet.address },
        chainId: 31337,
        unsignedTransaction: unsigned(),
        idempotencyKey: 'req-wrong',
      }),
    ).rejects.toMatchObject({ code: 'PROVIDER_REFUSED', retryable: false });
    expect(standIn.createRequests(wallet.dfnsWalletId)).toBe(0);
  });

  it('signs an EIP-191 message through a Hash signature that recovers to the wallet', async () => {
    const wallet = await newWallet();
    const signature = await signer.signMessage(
      { organizationId: ORG, address: wallet.address },
      'keel claim',
    );
    expect(await recoverMessageAddress({ message: 'keel claim', signature })).toBe(wallet.address);
  });

  it('credentials are references: a raw value is refused, and no secret appears in any log line', () => {
    expect(() => parseSecretReference(AUTH_TOKEN)).toThrow(/reference/);
    expect(() => parseSecretReference('file:relative/path')).toThrow(/reference/);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('reconciling by externalId'))).toBe(true);
    const pemBody = credential.privateKeyPem.split('\n')[1] ?? '';
    expect(pemBody.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line).not.toContain(AUTH_TOKEN);
      expect(line).not.toContain(pemBody);
      expect(line).not.toContain('PRIVATE KEY');
    }
  });
});
