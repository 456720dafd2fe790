import { sign } from 'node:crypto';
import { DfnsApiClient, DfnsError } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';
import {
  type Hex,
  isAddressEqual,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DfnsCredentialKind,
  type DfnsStandIn,
  newDfnsCredential,
  startDfnsStandIn,
} from './dfns-stand-in';

// The real @dfns/sdk against the stand-in: what passes here is what the SDK sends, and each
// refusal below is one bad request of one kind, so the stand-in is shown to check.
const kinds: DfnsCredentialKind[] = ['ed25519', 'p256', 'rsa'];
const creds = Object.fromEntries(kinds.map((k) => [k, newDfnsCredential(k)])) as Record<
  DfnsCredentialKind,
  ReturnType<typeof newDfnsCredential>
>;
const stranger = newDfnsCredential('ed25519');
const other = newDfnsCredential('ed25519');
const TOKEN = 'sa-token-initiator';
const OTHER_TOKEN = 'sa-token-other';

function unsignedTx(nonce = 0, value = 0n): Hex {
  return serializeTransaction({
    type: 'eip1559',
    chainId: 31337,
    nonce,
    to: '0x00000000000000000000000000000000000000aa',
    data: '0xa9059cbb',
    value,
    gas: 100_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
  });
}

describe('DFNS stand-in, through the real @dfns/sdk', () => {
  let standIn: DfnsStandIn;
  const client = (kind: DfnsCredentialKind, token = TOKEN) =>
    new DfnsApiClient({
      baseUrl: standIn.url,
      authToken: token,
      signer: new AsymmetricKeySigner({
        credId: creds[kind].credId,
        privateKey: creds[kind].privateKeyPem,
        ...(kind === 'ed25519' ? {} : { algorithm: 'SHA256' }),
      }),
    });

  beforeAll(async () => {
    standIn = await startDfnsStandIn({
      users: [
        { userId: 'us-initiator', authToken: TOKEN, credentials: kinds.map((k) => creds[k]) },
        { userId: 'us-other', authToken: OTHER_TOKEN, credentials: [other] },
      ],
    });
  });
  afterAll(() => standIn.close());

  /** The user-action flow by hand, so a test can break one step of it. */
  async function userAction(opts: {
    token?: string;
    method: string;
    path: string;
    body: string;
    credId?: string;
    privateKeyPem?: string;
    challengeOverride?: string;
  }): Promise<{ status: number; body: { userAction?: string; error?: { message: string } } }> {
    const post = (path: string, body: unknown) =>
      fetch(`${standIn.url}${path}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${opts.token ?? TOKEN}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
    const init = (await (
      await post('/auth/action/init', {
        userActionPayload: opts.body,
        userActionHttpMethod: opts.method,
        userActionHttpPath: opts.path,
        userActionServerKind: 'Api',
      })
    ).json()) as { challenge: string; challengeIdentifier: string };
    const clientData = Buffer.from(
      JSON.stringify({ type: 'key.get', challenge: opts.challengeOverride ?? init.challenge }),
    );
    const res = await post('/auth/action', {
      challengeIdentifier: init.challengeIdentifier,
      firstFactor: {
        kind: 'Key',
        credentialAssertion: {
          credId: opts.credId ?? creds.ed25519.credId,
          clientData: clientData.toString('base64url'),
          signature: sign(
            null,
            clientData,
            opts.privateKeyPem ?? creds.ed25519.privateKeyPem,
          ).toString('base64url'),
        },
      },
    });
    return { status: res.status, body: (await res.json()) as never };
  }

  async function createWalletRaw(userActionToken: string | undefined, body: string) {
    const res = await fetch(`${standIn.url}/wallets`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
        ...(userActionToken ? { 'x-dfns-useraction': userActionToken } : {}),
      },
      body,
    });
    return { status: res.status, body: (await res.json()) as { error?: { message: string } } };
  }

  it.each(kinds)(
    'a %s credential creates a wallet and signs a Transaction whose signedData recovers to the wallet',
    async (kind) => {
      const dfns = client(kind);
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      expect(wallet.address).toMatch(/^0x[0-9a-f]{40}$/);
      const sig = await dfns.wallets.generateSignature({
        walletId: wallet.id,
        body: { kind: 'Transaction', transaction: unsignedTx(3), externalId: `ext-${kind}` },
      });
      expect(sig.status).toBe('Signed');
      const signedData = (sig as { signedData?: Hex }).signedData;
      expect(signedData).toBeDefined();
      const recovered = await recoverTransactionAddress({
        serializedTransaction: signedData as never,
      });
      expect(isAddressEqual(recovered, wallet.address as Hex)).toBe(true);
      expect(parseTransaction(signedData as Hex).nonce).toBe(3);
      const again = await dfns.wallets.getSignature({ walletId: wallet.id, signatureId: sig.id });
      expect(again.status).toBe('Signed');
    },
  );

  it('lists signatures page by page, so a caller can find one by its externalId', async () => {
    const dfns = client('ed25519');
    const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
    for (let i = 0; i < 3; i++)
      await dfns.wallets.generateSignature({
        walletId: wallet.id,
        body: { kind: 'Transaction', transaction: unsignedTx(i), externalId: `page-${i}` },
      });
    const first = await dfns.wallets.listSignatures({ walletId: wallet.id, query: { limit: 2 } });
    expect(first.items).toHaveLength(2);
    expect(first.nextPageToken).toBeDefined();
    const second = await dfns.wallets.listSignatures({
      walletId: wallet.id,
      query: { limit: 2, paginationToken: first.nextPageToken },
    });
    expect(second.items.map((s) => (s as { externalId?: string }).externalId)).toEqual(['page-2']);
    expect(second.nextPageToken).toBeUndefined();
  });

  describe('refuses one bad request of each kind', () => {
    const body = JSON.stringify({ network: 'EthereumSepolia' });

    it('a missing or unknown bearer token', async () => {
      const res = await fetch(`${standIn.url}/wallets`);
      expect(res.status).toBe(401);
      await expect(client('ed25519', 'not-a-token').wallets.listWallets()).rejects.toMatchObject({
        name: 'DfnsError',
        httpStatus: 401,
        message: expect.stringContaining('bearer token') as unknown,
      });
    });

    it('a write without x-dfns-useraction', async () => {
      const r = await createWalletRaw(undefined, body);
      expect(r.status).toBe(401);
      expect(r.body.error?.message).toMatch(/x-dfns-useraction/);
    });

    it('a user action used twice', async () => {
      const ua = await userAction({ method: 'POST', path: '/wallets', body });
      expect(ua.status).toBe(200);
      expect((await createWalletRaw(ua.body.userAction, body)).status).toBe(200);
      const again = await createWalletRaw(ua.body.userAction, body);
      expect(again.status).toBe(401);
      expect(again.body.error?.message).toMatch(/already used/);
    });

    it('a user action for another body, path or method', async () => {
      for (const bound of [
        { method: 'POST', path: '/wallets', body: JSON.stringify({ network: 'Ethereum' }) },
        { method: 'POST', path: '/wallets/x/signatures', body },
        { method: 'DELETE', path: '/wallets', body },
      ]) {
        const ua = await userAction(bound);
        const r = await createWalletRaw(ua.body.userAction, body);
        expect(r.status).toBe(401);
        expect(r.body.error?.message).toMatch(/does not match this request/);
      }
    });

    it('a forged user action token', async () => {
      const r = await createWalletRaw('ua-forged', body);
      expect(r.status).toBe(401);
      expect(r.body.error?.message).toMatch(/invalid user action/);
    });

    it('a credential signature made with another key', async () => {
      const r = await userAction({
        method: 'POST',
        path: '/wallets',
        body,
        privateKeyPem: stranger.privateKeyPem,
      });
      expect(r.status).toBe(401);
      expect(r.body.error?.message).toMatch(/invalid credential signature/);
    });

    it('an unknown credential, or another user’s', async () => {
      const unknown = await userAction({
        method: 'POST',
        path: '/wallets',
        body,
        credId: stranger.credId,
        privateKeyPem: stranger.privateKeyPem,
      });
      expect(unknown.status).toBe(401);
      const foreign = await userAction({
        method: 'POST',
        path: '/wallets',
        body,
        credId: other.credId,
        privateKeyPem: other.privateKeyPem,
      });
      expect(foreign.status).toBe(401);
      expect(foreign.body.error?.message).toMatch(/credential not found/);
    });

    it('a signature over another challenge', async () => {
      const r = await userAction({
        method: 'POST',
        path: '/wallets',
        body,
        challengeOverride: 'not-the-challenge',
      });
      expect(r.status).toBe(401);
      expect(r.body.error?.message).toMatch(/does not answer the challenge/);
    });

    it('a signature request of an unknown kind or with an already signed transaction', async () => {
      const dfns = client('ed25519');
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      await expect(
        dfns.wallets.generateSignature({
          walletId: wallet.id,
          body: { kind: 'Psbt', psbt: '0x00' } as never,
        }),
      ).rejects.toMatchObject({ httpStatus: 400 });
      const signed = await dfns.wallets.generateSignature({
        walletId: wallet.id,
        body: { kind: 'Transaction', transaction: unsignedTx(9) },
      });
      await expect(
        dfns.wallets.generateSignature({
          walletId: wallet.id,
          body: { kind: 'Transaction', transaction: (signed as { signedData: string }).signedData },
        }),
      ).rejects.toMatchObject({ httpStatus: 400, message: 'transaction is already signed' });
    });
  });

  describe('policies and misbehaviour', () => {
    it('a deny policy rejects with its reason; no signature exists', async () => {
      const dfns = client('p256');
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      standIn.setPolicy(wallet.id, { kind: 'deny', reason: 'transfers frozen by compliance' });
      const sig = await dfns.wallets.generateSignature({
        walletId: wallet.id,
        body: { kind: 'Transaction', transaction: unsignedTx() },
      });
      expect(sig).toMatchObject({ status: 'Rejected', reason: 'transfers frozen by compliance' });
      expect((sig as { signedData?: string }).signedData).toBeUndefined();
    });

    it('an approval policy answers 202 (the SDK throws PolicyPendingError with the approvalId)', async () => {
      const dfns = client('ed25519');
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      standIn.setPolicy(wallet.id, { kind: 'approve-above', threshold: 10n });
      const err = (await dfns.wallets
        .generateSignature({
          walletId: wallet.id,
          body: { kind: 'Transaction', transaction: unsignedTx(0, 11n) },
        })
        .catch((e: unknown) => e)) as DfnsError;
      expect(err).toBeInstanceOf(DfnsError);
      expect(err.httpStatus).toBe(202);
      expect((err.context as { approvalId?: string }).approvalId).toMatch(/^ap-/);
    });

    it('a counted tamper turns itself off: the next signature is honest', async () => {
      const dfns = client('ed25519');
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      Object.assign(standIn.misbehaviour, { tamper: 'value', tamperRemaining: 1 });
      const signNonce = async (nonce: number) =>
        parseTransaction(
          (
            (await dfns.wallets.generateSignature({
              walletId: wallet.id,
              body: { kind: 'Transaction', transaction: unsignedTx(nonce) },
            })) as { signedData: Hex }
          ).signedData,
        ).value ?? 0n;
      expect(await signNonce(1)).toBe(1n);
      expect(await signNonce(2)).toBe(0n);
      expect(standIn.misbehaviour).toMatchObject({ tamper: null, tamperRemaining: null });
    });

    it('latency, 5xx and a tampered signature field on demand', async () => {
      const dfns = client('ed25519');
      const wallet = await dfns.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
      standIn.misbehaviour.fail5xx = 1;
      await expect(
        dfns.wallets.generateSignature({
          walletId: wallet.id,
          body: { kind: 'Transaction', transaction: unsignedTx() },
        }),
      ).rejects.toMatchObject({ name: 'DfnsError', httpStatus: 503 });
      expect(standIn.requests(wallet.id)).toHaveLength(0);

      standIn.misbehaviour.latencyMs = 150;
      standIn.misbehaviour.tamper = 'nonce';
      try {
        const started = Date.now();
        const sig = await dfns.wallets.generateSignature({
          walletId: wallet.id,
          body: { kind: 'Transaction', transaction: unsignedTx(5) },
        });
        expect(Date.now() - started).toBeGreaterThanOrEqual(140);
        expect(parseTransaction((sig as { signedData: Hex }).signedData).nonce).toBe(6);
      } finally {
        standIn.misbehaviour.latencyMs = 0;
        standIn.misbehaviour.tamper = null;
      }
    });
  });
});
