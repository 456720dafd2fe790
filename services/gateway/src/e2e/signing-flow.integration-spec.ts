import { type OperationView, problemSchema } from '@keel/operations';
import { waitUntil } from '@keel/testing';
import {
  type Address,
  createTestClient,
  createWalletClient,
  encodeFunctionData,
  http,
  keccak256,
  parseAbi,
  toHex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  type E2eStack,
  roleHash,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Every service of the signing flow as its own process over the Kafka mock
// cluster, against anvil and PostgreSQL: HTTP in, a mined receipt out.
const complianceAbi = parseAbi([
  'function getModules() view returns (address[])',
  'function callModuleFunction(bytes callData, address module)',
]);
const maxBalanceAbi = parseAbi(['function setMaxBalance(uint256 maxBalance)']);

let stack: E2eStack;
let gatewayUrl: string;
let client: PublicClient;
let token: Address;
let alice: Address;
let signerWallet: Address;
let bob: Address;
let aliceAccount: ReturnType<typeof privateKeyToAccount>;
/** A second token whose MaxBalanceModule caps each investor at 10^24 + 100. */
let cappedToken: Address;

const killAndRestart = (name: string): Promise<void> => stack.killAndRestart(name);
const statusOf = (id: string): Promise<string | null> => stack.statusOf(id);
const terminal = (id: string): Promise<OperationView> => stack.terminal(id);
const submit = (
  type: string,
  params: Record<string, unknown>,
  idempotencyKey: string,
): Promise<string> => stack.submit(type, params, idempotencyKey);

beforeAll(async () => {
  stack = await startE2eStack({ env: SPEC_POLLING });
  ({ gatewayUrl, client, signerWallet } = stack);
  alice = stack.alice.address;
  aliceAccount = stack.alice;
  bob = stack.bob.address;
  token = (await stack.keel.createToken('e2e', [])).address;
  cappedToken = (await stack.keel.createToken('e2e-capped', ['maxBalance'])).address;

  // The key-guardian wallet (funded by the stack) gets the token's supply-management role.
  await stack.adminWrite(token, 'grantRole', [roleHash('supply-management'), signerWallet]);
  await stack.adminWrite(token, 'grantRole', [roleHash('custodian'), signerWallet]);
  await stack.adminWrite(cappedToken, 'grantRole', [roleHash('supply-management'), signerWallet]);
  const compliance = await client.readContract({
    address: cappedToken,
    abi: tokenAbi,
    functionName: 'compliance',
  });
  const [maxBalanceModule] = await client.readContract({
    address: compliance,
    abi: complianceAbi,
    functionName: 'getModules',
  });
  await client.waitForTransactionReceipt({
    hash: await stack.adminWallet.writeContract({
      chain: stack.adminWallet.chain,
      account: stack.admin,
      address: compliance,
      abi: complianceAbi,
      functionName: 'callModuleFunction',
      args: [
        encodeFunctionData({
          abi: maxBalanceAbi,
          functionName: 'setMaxBalance',
          args: [10n ** 24n + 100n],
        }),
        maxBalanceModule!,
      ],
    }),
  });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
});

describe('signing flow end to end', () => {
  it('mints over HTTP through every service to a mined receipt', async () => {
    const before = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    const id = await submit(
      'token.mint',
      { asset: token, to: alice, amount: '1000' },
      'e2e-mint-1',
    );
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    const tx = op.transactions[0]!;
    expect(tx.from.toLowerCase()).toBe(signerWallet.toLowerCase());
    expect(tx.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await client.getTransactionReceipt({ hash: tx.hash as `0x${string}` });
    expect(receipt.status).toBe('success');
    const after = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    expect(after - before).toBe(1000n);
    expect(op.history.map((h) => h.status)).toEqual(
      expect.arrayContaining([
        'RECEIVED',
        'QUEUED',
        'PREPARING',
        'SIGNING',
        'BROADCASTING',
        'CONFIRMING',
        'COMPLETED',
      ]),
    );
  });

  it('a holder wallet without gas: the transfer fails INSUFFICIENT_GAS_FUNDS before any signature; funded later, nothing is mined and the chain agrees with FAILED; a resubmission completes on the untouched nonce (issue 24)', async () => {
    // 1. A signer wallet through the API: no native balance.
    const created = await fetch(`${gatewayUrl}/api/v1/wallets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ label: 'holder without gas' }),
    });
    expect(created.status).toBe(201);
    const holder = ((await created.json()) as { address: Address }).address;
    expect(await client.getBalance({ address: holder })).toBe(0n);
    // 2. An identity, and tokens minted to it over the API.
    await stack.keel.registerHolder(holder);
    const minted = await terminal(
      await submit('token.mint', { asset: token, to: holder, amount: '500' }, 'e2e-gasless-mint'),
    );
    expect(minted.status, JSON.stringify(minted)).toBe('COMPLETED');
    const balances = async () => ({
      holder: await client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [holder],
      }),
      bob: await client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [bob],
      }),
    });
    const before = await balances();
    // 3. A transfer signed by that wallet.
    const id = await stack.submit(
      'token.transfer',
      { asset: token, to: bob, amount: '200' },
      'e2e-gasless-transfer',
      holder,
    );
    const failed = await terminal(id);
    expect(failed.status, JSON.stringify(failed)).toBe('FAILED');
    expect(failed.subStatus).toBe('INSUFFICIENT_GAS_FUNDS');
    expect(failed.error?.details).toMatchObject({ wallet: holder, available: '0' });
    expect(BigInt((failed.error?.details as { needed: string }).needed)).toBeGreaterThan(0n);
    // No signature exists: no hash, no raw bytes, the wallet's nonce untouched.
    expect(failed.transactions.every((t) => t.hash === null)).toBe(true);
    expect(failed.history.map((h) => h.status)).not.toContain('BROADCASTING');
    // 4. The wallet receives native funds later, and blocks go by.
    const testClient = createTestClient({
      mode: 'anvil',
      chain: { ...foundry, id: stack.anvil.chainId },
      transport: http(stack.anvil.rpcUrl),
    });
    await testClient.setBalance({ address: holder, value: 10n ** 18n });
    await testClient.mine({ blocks: 3 });
    // Longer than chain-gateway's re-send interval and the signer's reconciliation.
    await new Promise((r) => setTimeout(r, 12_000));
    await testClient.mine({ blocks: 2 });
    // 5. The final status and the chain agree: FAILED, and nothing moved.
    expect((await terminal(id)).status).toBe('FAILED');
    expect(await client.getTransactionCount({ address: holder })).toBe(0);
    expect(await balances()).toEqual(before);
    // 6. Resubmitted, the transfer takes the wallet's first nonce and completes.
    const again = await terminal(
      await stack.submit(
        'token.transfer',
        { asset: token, to: bob, amount: '200' },
        'e2e-gasless-transfer-2',
        holder,
      ),
    );
    expect(again.status, JSON.stringify(again)).toBe('COMPLETED');
    expect(again.transactions[0]!.nonce).toBe('0');
    const after = await balances();
    expect(after.holder).toBe(before.holder - 200n);
    expect(after.bob).toBe(before.bob + 200n);
  });

  it('fails a mint to an unverified recipient with the identity check as module, nothing sent', async () => {
    const nonceBefore = await client.getTransactionCount({ address: signerWallet });
    const stranger = privateKeyToAccount(keccak256(toHex('stranger'))).address;
    const id = await submit(
      'token.mint',
      { asset: token, to: stranger, amount: '5' },
      'e2e-mint-denied',
    );
    const op = await terminal(id);
    expect(op.status).toBe('FAILED');
    expect(op.subStatus).toBe('COMPLIANCE_REJECTED');
    expect(op.error).toMatchObject({ module: 'identity-registry' });
    expect(op.error?.reason).toContain('RecipientNotVerified');
    expect(op.transactions[0]).toMatchObject({ hash: null, nonce: null });
    expect(await client.getTransactionCount({ address: signerWallet })).toBe(nonceBefore);
  });

  it('simulates a transfer module by module over HTTP', async () => {
    const res = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({
        asset: token,
        from: alice,
        to: privateKeyToAccount(keccak256(toHex('x'))).address,
        amount: '1',
      }),
    });
    const body = (await res.json()) as { allowed: boolean; deniedBy?: { module: string } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.allowed).toBe(false);
    expect(body.deniedBy?.module).toBe('identity-registry');
    const bad = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ asset: token }),
    });
    expect(bad.status).toBe(422);
    problemSchema.parse(await bad.json());
  });
  it('moves tokens with a custodian forced transfer (no canTransfer, recipient identity still required)', async () => {
    const balance = (who: Address) =>
      client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [who],
      });
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];
    const id = await submit(
      'token.forcedTransfer',
      { asset: token, from: alice, to: bob, amount: '25' },
      'e2e-forced-1',
    );
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect(aliceBefore - (await balance(alice))).toBe(25n);
    expect((await balance(bob)) - bobBefore).toBe(25n);
  });

  it.each([
    ['execution-engine', 'RECEIVED'],
    ['transaction-signer', 'SIGNING'],
    ['chain-gateway', 'BROADCASTING'],
  ])('completes exactly once when %s is SIGKILLed mid-flight (at %s)', async (name, stage) => {
    const before = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    const id = await submit(
      'token.mint',
      { asset: token, to: alice, amount: '7' },
      `e2e-kill-${name}`,
    );
    const order = [
      'RECEIVED',
      'QUEUED',
      'PREPARING',
      'SIGNING',
      'BROADCASTING',
      'CONFIRMING',
      'COMPLETED',
    ];
    await waitUntil(
      `${id} reaches ${stage}`,
      async () => {
        const status = await statusOf(id);
        return status === null
          ? stage === 'RECEIVED'
          : order.indexOf(status) >= order.indexOf(stage);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    await killAndRestart(name);
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    const after = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    expect(after - before).toBe(7n);
  });
  it('fails a mint a compliance module denies with that module and its decoded reason; a smaller one completes', async () => {
    const nonceBefore = await client.getTransactionCount({ address: signerWallet });
    const denied = await terminal(
      await submit('token.mint', { asset: cappedToken, to: alice, amount: '1000' }, 'e2e-capped-1'),
    );
    expect(denied.status).toBe('FAILED');
    expect(denied.subStatus).toBe('COMPLIANCE_REJECTED');
    expect(denied.error?.module).toBe('MaxBalance'); // the module's own name()
    expect(denied.error?.reason).toContain('MaxBalanceExceeded');
    expect(await client.getTransactionCount({ address: signerWallet })).toBe(nonceBefore);

    const simulated = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ asset: cappedToken, from: bob, to: alice, amount: '1000' }),
    });
    const body = (await simulated.json()) as {
      allowed: boolean;
      modules: { module: string; passed: boolean; reason?: string }[];
    };
    expect(body.allowed).toBe(false);
    expect(body.modules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ module: 'identity-registry', passed: true }),
        expect.objectContaining({ module: 'MaxBalance', passed: false }),
      ]),
    );

    const ok = await terminal(
      await submit('token.mint', { asset: cappedToken, to: alice, amount: '50' }, 'e2e-capped-2'),
    );
    expect(ok.status, JSON.stringify(ok)).toBe('COMPLETED');
  });
  it('moves tokens with transferFrom on an allowance, through canTransfer, to a mined receipt', async () => {
    const aliceWallet = createWalletClient({
      chain: { ...foundry, id: stack.anvil.chainId },
      transport: http(stack.anvil.rpcUrl),
      account: aliceAccount,
    });
    await client.waitForTransactionReceipt({
      hash: await aliceWallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: 'approve',
        args: [signerWallet, 100n],
      }),
    });
    const balance = (who: Address) =>
      client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [who],
      });
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];
    const op = await terminal(
      await submit(
        'token.transferFrom',
        { asset: token, from: alice, to: bob, amount: '30' },
        'e2e-transfer-from-1',
      ),
    );
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect(aliceBefore - (await balance(alice))).toBe(30n);
    expect((await balance(bob)) - bobBefore).toBe(30n);
  });
});
