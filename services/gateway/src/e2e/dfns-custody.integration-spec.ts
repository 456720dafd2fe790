import { randomUUID } from 'node:crypto';
import { DfnsApiClient } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';
import {
  type DfnsStandIn,
  newDfnsCredential,
  startDfnsStandIn,
  testInternalHeaders,
  waitUntil,
} from '@keel/testing';
import { type Address, getAddress, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type E2eStack,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// The DFNS sign-only route through the running services: a token.transfer whose signer is a
// DFNS wallet is signed by the DFNS stand-in through the real @dfns/sdk (key-guardian holds
// only references to the credentials, given to its process as environment variables), checked
// by Keel's payload integrity, broadcast by Keel and mined on anvil.
const credential = newDfnsCredential('p256');
const AUTH_TOKEN = `dfns-sa-${randomUUID()}`;

let stack: E2eStack;
let standIn: DfnsStandIn;
let token: Address;
let dfnsWallet: Address;
let dfnsWalletId: string;

const balanceOf = (who: Address) =>
  stack.client.readContract({
    address: token,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });

beforeAll(async () => {
  standIn = await startDfnsStandIn({
    users: [{ userId: 'us-keel', authToken: AUTH_TOKEN, credentials: [credential] }],
  });
  stack = await startE2eStack({
    prefix: 'e2e_dfns',
    env: SPEC_POLLING,
    keyGuardianEnv: {
      KEEL_DFNS_TOKEN: AUTH_TOKEN,
      KEEL_DFNS_CREDENTIAL_KEY: credential.privateKeyPem,
    },
  });
  // The operator creates the wallet in DFNS, then registers it in Keel by its id.
  const operator = new DfnsApiClient({
    baseUrl: standIn.url,
    authToken: AUTH_TOKEN,
    signer: new AsymmetricKeySigner({
      credId: credential.credId,
      privateKey: credential.privateKeyPem,
      algorithm: 'SHA256',
    }),
  });
  const created = await operator.wallets.createWallet({ body: { network: 'EthereumSepolia' } });
  dfnsWalletId = created.id;
  const res = await fetch(
    `http://127.0.0.1:${stack.port('key-guardian')}/internal/v1/wallets/dfns`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testInternalHeaders },
      body: JSON.stringify({
        organizationId: 'org-e2e',
        label: 'dfns holder',
        dfnsWalletId,
        connection: {
          baseUrl: standIn.url,
          credId: credential.credId,
          authToken: 'env:KEEL_DFNS_TOKEN',
          privateKey: 'env:KEEL_DFNS_CREDENTIAL_KEY',
        },
      }),
    },
  );
  if (res.status !== 201)
    throw new Error(`DFNS wallet registration: ${res.status} ${await res.text()}`);
  dfnsWallet = getAddress(((await res.json()) as { address: Address }).address);

  token = (await stack.keel.createToken('e2e-dfns', [])).address;
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), stack.signerWallet]);
  await stack.keel.registerHolder(dfnsWallet);
  await stack.client.waitForTransactionReceipt({
    hash: await stack.adminWallet.sendTransaction({
      account: stack.admin,
      chain: stack.adminWallet.chain,
      to: dfnsWallet,
      value: parseEther('1'),
    }),
  });
  const mint = await stack.terminal(
    await stack.submit('token.mint', { asset: token, to: dfnsWallet, amount: '1000' }, 'dfns-mint'),
  );
  if (mint.status !== 'COMPLETED') throw new Error(`mint: ${JSON.stringify(mint)}`);
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await standIn?.close();
});

describe('token.transfer through the DFNS sign-only route', () => {
  it('is signed by DFNS once, checked, broadcast by Keel and mined', async () => {
    const alice = stack.alice.address;
    const before = await balanceOf(alice);
    const op = await stack.terminal(
      await stack.submit(
        'token.transfer',
        { asset: token, to: alice, amount: '40' },
        'dfns-transfer-1',
        dfnsWallet,
      ),
    );
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect((await balanceOf(alice)) - before).toBe(40n);
    expect(await balanceOf(dfnsWallet)).toBe(960n);
    const tx = await stack.client.getTransaction({
      hash: op.transactions[0]!.hash as `0x${string}`,
    });
    expect(getAddress(tx.from)).toBe(dfnsWallet);
    expect(standIn.requests(dfnsWalletId)).toHaveLength(1);
  });

  it('a signature DFNS tampered (to) is refused with PAYLOAD_MISMATCH and never mined', async () => {
    const alice = stack.alice.address;
    const before = await balanceOf(alice);
    const nonceBefore = await stack.client.getTransactionCount({ address: dfnsWallet });
    // One tampered signature only: the no-op that fills the reserved nonce is signed honestly.
    standIn.misbehaviour.tamper = 'to';
    standIn.misbehaviour.tamperRemaining = 1;
    let op;
    try {
      op = await stack.terminal(
        await stack.submit(
          'token.transfer',
          { asset: token, to: alice, amount: '7' },
          'dfns-transfer-tampered',
          dfnsWallet,
        ),
      );
    } finally {
      standIn.misbehaviour.tamper = null;
      standIn.misbehaviour.tamperRemaining = null;
    }
    expect(op.status, JSON.stringify(op)).toBe('FAILED');
    expect(op.subStatus).toBe('PAYLOAD_MISMATCH');
    expect(op.error).toMatchObject({ code: 'PAYLOAD_MISMATCH', details: { field: 'to' } });
    expect(op.transactions.every((t) => t.hash === null)).toBe(true);
    expect(await balanceOf(alice)).toBe(before);
    // The reserved nonce is filled with a no-op (signed through DFNS as well), so the lane has no gap.
    await waitUntil(
      'the reserved nonce filled',
      async () => (await stack.client.getTransactionCount({ address: dfnsWallet })) > nonceBefore,
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(await balanceOf(alice)).toBe(before);
  });
});
