import type { GasSettingsView, OperationView } from '@keel/operations';
import { type Address, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  type E2eStack,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Issue 24, part 3: a holder's wallet gets gas through the API alone. Every service as its
// own process over Kafka, against anvil and PostgreSQL: the wallet is created over HTTP,
// funded by a wallet.fund operation (or by the automatic top-up before it signs), minted to,
// and it signs its own transfer, which completes with the balances right on chain.

let stack: E2eStack;
let token: Address;
/** The stack's funded key-guardian wallet: the organization's gas wallet here. */
let gasWallet: Address;
let seq = 0;

const api = async <T>(method: string, path: string, body?: unknown): Promise<[number, T]> => {
  const res = await fetch(`${stack.gatewayUrl}/api/v1${path}`, {
    method,
    headers: {
      'x-api-key': ADMIN_KEY,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return [res.status, (await res.json()) as T];
};
const run = async (type: string, params: Record<string, unknown>, signer?: Address) =>
  stack.terminal(await stack.submit(type, params, `gas-${type}-${seq++}`, signer));
const completed = async (type: string, params: Record<string, unknown>, signer?: Address) => {
  const op = await run(type, params, signer);
  expect(op.status, `${type}: ${JSON.stringify(op.error)}`).toBe('COMPLETED');
  return op;
};
const balanceOf = (who: Address) =>
  stack.client.readContract({
    address: token,
    abi: tokenAbi,
    functionName: 'balanceOf',
    args: [who],
  });
const newWallet = async (label: string): Promise<Address> => {
  const [status, body] = await api<{ address: Address }>('POST', '/wallets', { label });
  expect(status).toBe(201);
  expect(await stack.client.getBalance({ address: body.address })).toBe(0n);
  return body.address;
};

beforeAll(async () => {
  stack = await startE2eStack({ prefix: 'gas', env: SPEC_POLLING });
  gasWallet = stack.signerWallet;
  token = (await stack.keel.createToken('gas', [])).address;
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), gasWallet]);
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

describe('gas for a holder wallet, through the API', () => {
  it('wallet.fund funds a new wallet from the gas wallet; the holder then signs its own transfer', async () => {
    const holder = await newWallet('holder one');
    const fund = await completed(
      'wallet.fund',
      { wallet: holder, amount: parseEther('0.1').toString() },
      gasWallet,
    );
    expect(fund.transactions).toHaveLength(1);
    expect(fund.transactions[0]).toMatchObject({ from: gasWallet, to: holder, status: 'mined' });
    expect(fund.result).toMatchObject({ wallet: holder, amount: parseEther('0.1').toString() });
    expect(await stack.client.getBalance({ address: holder })).toBe(parseEther('0.1'));

    await stack.keel.registerHolder(holder);
    await completed('token.mint', { asset: token, to: holder, amount: '100' }, gasWallet);
    const aliceBefore = await balanceOf(stack.alice.address);
    const transfer = await completed(
      'token.transfer',
      { asset: token, to: stack.alice.address, amount: '40' },
      holder,
    );
    expect(transfer.transactions[0]?.from).toBe(holder);
    expect(await balanceOf(holder)).toBe(60n);
    expect(await balanceOf(stack.alice.address)).toBe(aliceBefore + 40n);
    expect(await stack.client.getBalance({ address: holder })).toBeLessThan(parseEther('0.1'));
  }, 300_000);

  it('refuses a wallet.fund naming its source in params (the source is the signer) with a 422', async () => {
    const [status] = await api('POST', '/operations', {
      type: 'wallet.fund',
      params: { wallet: gasWallet, amount: '1', from: gasWallet },
    });
    expect(status).toBe(422);
  });

  it('the automatic top-up funds the holder before it signs, within the daily limits', async () => {
    const [put, settings] = await api<GasSettingsView>('PUT', '/gas-settings', {
      sourceWallet: gasWallet,
      autoTopUp: true,
      minBalance: parseEther('0.01').toString(),
      topUpAmount: parseEther('0.05').toString(),
      dailyCountLimit: 5,
      dailyAmountLimit: parseEther('1').toString(),
    });
    expect(put, JSON.stringify(settings)).toBe(200);
    expect(settings).toMatchObject({ autoTopUp: true, warnings: [] });
    expect(settings.gasWallet?.address.toLowerCase()).toBe(gasWallet.toLowerCase());

    const holder = await newWallet('holder two');
    await stack.keel.registerHolder(holder);
    // The gas wallet mints: it is never topped up by itself, and the holder is not the signer.
    await completed('token.mint', { asset: token, to: holder, amount: '100' }, gasWallet);
    const transfer = await completed(
      'token.transfer',
      { asset: token, to: stack.alice.address, amount: '25' },
      holder,
    );
    expect(transfer.history.map((h) => h.status)).toContain('SIGNING');
    expect(await balanceOf(holder)).toBe(75n);

    const [, after] = await api<GasSettingsView>('GET', '/gas-settings');
    expect(after.today.count).toBe(1);
    expect(after.today.amount).toBe(parseEther('0.05').toString());
    const topUp = after.today.topUps[0]!;
    expect(topUp).toMatchObject({ operationId: transfer.id, wallet: holder, outcome: 'completed' });
    const [, fund] = await api<OperationView>('GET', `/operations/${topUp.fundOperationId}`);
    expect(fund).toMatchObject({ type: 'wallet.fund', status: 'COMPLETED', signer: gasWallet });
    // The top-up was mined before the transfer was signed: its block comes first.
    expect(BigInt(fund.transactions[0]!.blockNumber!)).toBeLessThan(
      BigInt(transfer.transactions[0]!.blockNumber!),
    );
    const left = await stack.client.getBalance({ address: holder });
    expect(left).toBeGreaterThan(0n);
    expect(left).toBeLessThan(parseEther('0.05'));

    // A second transfer: the holder still holds more than the minimum, so no top-up.
    await completed(
      'token.transfer',
      { asset: token, to: stack.alice.address, amount: '5' },
      holder,
    );
    const [, again] = await api<GasSettingsView>('GET', '/gas-settings');
    expect(again.today.count).toBe(1);
  }, 300_000);

  it('a gas wallet that cannot pay a top-up shows GAS_WALLET_LOW; the operation notes the skipped top-up', async () => {
    const [, settings] = await api<GasSettingsView>('PUT', '/gas-settings', {
      sourceWallet: gasWallet,
      autoTopUp: true,
      minBalance: parseEther('0.01').toString(),
      topUpAmount: parseEther('100000').toString(),
    });
    expect(settings.warnings.map((w) => w.code)).toContain('GAS_WALLET_LOW');

    const holder = await newWallet('holder three');
    await stack.keel.registerHolder(holder);
    await completed('token.mint', { asset: token, to: holder, amount: '10' }, gasWallet);
    const transfer = await run(
      'token.transfer',
      { asset: token, to: stack.alice.address, amount: '1' },
      holder,
    );
    // Without gas it cannot complete: the signer's pre-sign check (or the broadcast) refuses it.
    expect(transfer.status).not.toBe('COMPLETED');
    const [, view] = await api<OperationView>('GET', `/operations/${transfer.id}`);
    expect(view.warnings?.map((w) => w.code)).toContain('GAS_WALLET_LOW');
  }, 300_000);

  it("the gas wallet's custody policy applies to wallet.fund: a fund above its per-transaction limit is blocked before signing", async () => {
    const [status, policy] = await api('PUT', `/wallets/${gasWallet}/policy`, {
      amountLimits: [{ max: parseEther('1').toString(), onBreach: 'block' }],
    });
    expect(status, JSON.stringify(policy)).toBe(200);
    const holder = await newWallet('holder four');
    const blocked = await run(
      'wallet.fund',
      { wallet: holder, amount: parseEther('2').toString() },
      gasWallet,
    );
    expect(blocked.status).toBe('FAILED');
    expect(blocked.subStatus).toBe('BLOCKED_BY_POLICY');
    expect(blocked.transactions[0]?.hash ?? null).toBeNull();
    await completed(
      'wallet.fund',
      { wallet: holder, amount: parseEther('0.5').toString() },
      gasWallet,
    );
    expect(await stack.client.getBalance({ address: holder })).toBe(parseEther('0.5'));
  }, 300_000);

  it('through the API alone: system, issuer, a new holder funded by wallet.fund with its identity and KYC claim, an asset, a mint, and the holder-signed transfer', async () => {
    const KYC = 1;
    const DE = 276;
    const bootstrapId = await stack.submit(
      'system.bootstrap',
      {},
      `gas-bootstrap-${seq++}`,
      gasWallet,
    );
    let boot: OperationView | null = null;
    for (let waited = 0; waited < 400_000 && !boot; waited += 500) {
      const [code, op] = await api<OperationView>('GET', `/operations/${bootstrapId}`);
      if (code === 200 && ['COMPLETED', 'FAILED', 'DEAD_LETTER'].includes(op.status)) boot = op;
      else await new Promise((r) => setTimeout(r, 500));
    }
    expect(boot?.status, JSON.stringify(boot?.error)).toBe('COMPLETED');
    await completed('issuer.trust', { issuer: gasWallet, topics: [KYC] }, gasWallet);
    const onboard = async (label: string) => {
      const wallet = await newWallet(label);
      await completed('identity.create', { wallet, country: DE }, gasWallet);
      await completed(
        'claim.issue',
        { wallet, topic: KYC, data: '0x4b5943', issuer: gasWallet },
        gasWallet,
      );
      return wallet;
    };
    const holder = await onboard('api holder');
    const recipient = await onboard('api recipient');
    await completed(
      'wallet.fund',
      { wallet: holder, amount: parseEther('0.1').toString() },
      gasWallet,
    );
    const created = await completed(
      'asset.create',
      {
        kind: 'equity',
        name: 'Gas Equity',
        symbol: 'GEQ',
        decimals: 0,
        requiredClaimTopics: [KYC],
        terms: { shareClass: 'A' },
        roles: [{ role: 'supply-management', account: gasWallet }],
      },
      gasWallet,
    );
    const asset = created.result?.asset as Address;
    await completed('token.mint', { asset, to: holder, amount: '100' }, gasWallet);
    await completed('token.transfer', { asset, to: recipient, amount: '30' }, holder);
    const read = (who: Address) =>
      stack.client.readContract({
        address: asset,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [who],
      });
    expect(await read(holder)).toBe(70n);
    expect(await read(recipient)).toBe(30n);
  }, 600_000);
});
