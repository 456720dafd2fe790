import type { OperationView } from '@keel/operations';
import { testInternalHeaders } from '@keel/testing';
import { type Address, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_KEY,
  type E2eStack,
  ORG,
  SPEC_POLLING,
  startE2eStack,
  tokenAbi,
} from './test-support/e2e-stack';

// Issue 8 over HTTP through the seven services: the system bootstrapped as operations,
// investors onboarded (identities, claims signed by the issuer's key in key-guardian),
// an equity created with country and investor-count modules, and transfers whose
// outcome follows the claims, their expiry and the issuer's revocation.

const KYC = 1;
const US = 840;
const DE = 276;

describe('issuance over HTTP', () => {
  let stack: E2eStack;
  let issuer: Address;
  let asset: Address;
  let seq = 0;

  const run = async (type: string, params: Record<string, unknown>, signer?: Address) =>
    stack.terminal(await stack.submit(type, params, `iss-${type}-${seq++}`, signer));
  const completed = async (type: string, params: Record<string, unknown>) => {
    const op = await run(type, params);
    expect(op.status, `${type}: ${JSON.stringify(op.error)}`).toBe('COMPLETED');
    return op;
  };
  const post = (body: unknown) =>
    fetch(`${stack.gatewayUrl}/api/v1/operations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': ADMIN_KEY,
        'idempotency-key': `iss-bad-${seq++}`,
      },
      body: JSON.stringify(body),
    });
  const operationCount = async () => {
    const res = await fetch(`${stack.gatewayUrl}/api/v1/operations?limit=200`, {
      headers: { 'x-api-key': ADMIN_KEY },
    });
    return ((await res.json()) as { items: unknown[] }).items.length;
  };
  const balanceOf = (who: Address, of: Address = asset) =>
    stack.client.readContract({
      address: of,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });
  const transfer = (to: Address, amount = '10', of: Address = asset) =>
    run('token.transfer', { asset: of, to, amount });

  beforeAll(async () => {
    stack = await startE2eStack({ prefix: 'issuance', env: SPEC_POLLING });
    // The claim issuer's key lives in key-guardian; it pays gas for its own revocations.
    const res = await fetch(`http://127.0.0.1:${stack.port('key-guardian')}/internal/v1/wallets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testInternalHeaders },
      body: JSON.stringify({ organizationId: ORG, label: 'kyc issuer' }),
    });
    issuer = ((await res.json()) as { address: Address }).address;
    await stack.client.waitForTransactionReceipt({
      hash: await stack.adminWallet.sendTransaction({
        chain: stack.adminWallet.chain,
        account: stack.admin,
        to: issuer,
        value: parseEther('1'),
      }),
    });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('bootstraps the system as operations, once: a second bootstrap returns the recorded addresses', async () => {
    // ~34 transactions the first time: wait longer than the stack's default.
    const bootstrapId = await stack.submit('system.bootstrap', {}, `iss-bootstrap-${seq++}`);
    let first: OperationView | null = null;
    for (let waited = 0; waited < 400_000 && !first; waited += 250) {
      const res = await fetch(`${stack.gatewayUrl}/api/v1/operations/${bootstrapId}`, {
        headers: { 'x-api-key': ADMIN_KEY },
      });
      const op = res.status === 200 ? ((await res.json()) as OperationView) : null;
      if (op && ['COMPLETED', 'FAILED', 'DEAD_LETTER'].includes(op.status)) first = op;
      else await new Promise((r) => setTimeout(r, 250));
    }
    if (!first) throw new Error('system.bootstrap did not finish');
    expect(first.status, JSON.stringify(first.error)).toBe('COMPLETED');
    expect(first.transactions.length).toBeGreaterThan(20);
    expect(first.transactions.every((t) => t.status === 'mined')).toBe(true);
    expect(first.transactions.map((t) => t.label)).toContain('bootstrap the system');
    expect(
      first.history.some((h) => h.subStatus === `STEP_2_OF_${first.transactions.length}`),
    ).toBe(true);
    const accessManager = first.result?.accessManager as Address;
    expect(await stack.client.getCode({ address: accessManager })).not.toBe('0x');

    const again = await completed('system.bootstrap', {});
    expect(again.transactions).toHaveLength(0);
    expect(again.result).toEqual(first.result);

    const system = (await (
      await fetch(`${stack.gatewayUrl}/api/v1/system`, { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as { items: { chainId: number; addresses: Record<string, unknown> }[] };
    expect(system.items).toHaveLength(1);
    expect(system.items[0]).toMatchObject({
      chainId: stack.anvil.chainId,
      addresses: { accessManager },
    });
  }, 600_000);

  it('onboards investors: identities registered with their country, KYC claims signed by the trusted issuer', async () => {
    const trusted = await completed('issuer.trust', { issuer, topics: [KYC] });
    expect(trusted.result?.claimIssuer).toMatch(/^0x/);
    const onboard = async (wallet: Address, country: number, claim: boolean) => {
      const created = await completed('identity.create', { wallet, country });
      expect(created.transactions.map((t) => t.label)).toEqual([
        'create identity',
        'register identity',
      ]);
      if (claim) await completed('claim.issue', { wallet, topic: KYC, data: '0x4b5943', issuer });
      return created.result?.identity as Address;
    };
    await Promise.all([
      onboard(stack.signerWallet, US, true),
      onboard(stack.alice.address, US, true),
      onboard(stack.bob.address, US, false),
      onboard(stack.carol.address, DE, true),
    ]);
  }, 600_000);

  it('refuses bad asset configurations with a 422 before anything is submitted or signed', async () => {
    const before = await operationCount();
    const base = { kind: 'equity', name: 'Bad', symbol: 'BAD', decimals: 0 };
    for (const params of [
      { ...base, modules: [{ type: 'teleport', params: {} }] },
      { ...base, modules: [{ type: 'max-investor-count', params: { maxInvestors: -1 } }] },
      {
        ...base,
        features: { bond: { faceValue: '1', maturity: 4_000_000_000, denominationAsset: issuer } },
      },
    ]) {
      const res = await post({ type: 'asset.create', params });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { category: string } };
      expect(body.error.category).toBe('validation');
    }
    expect(await operationCount()).toBe(before);
  });

  it('creates an equity with country and investor-count modules; transfers follow identity, claims and country', async () => {
    const created = await completed('asset.create', {
      kind: 'equity',
      name: 'Keel Equity',
      symbol: 'KEQ',
      decimals: 0,
      requiredClaimTopics: [KYC],
      modules: [
        { type: 'country-allow-list', params: { countries: [US] } },
        { type: 'max-investor-count', params: { maxInvestors: 10 } },
      ],
      terms: { shareClass: 'A' },
    });
    asset = created.result?.asset as Address;
    expect(created.result?.compliance).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(created.result?.onchainID).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(
      await stack.client.readContract({ address: asset, abi: tokenAbi, functionName: 'paused' }),
    ).toBe(false);

    await completed('token.mint', { asset, to: stack.signerWallet, amount: '1000' });

    const noClaim = await transfer(stack.bob.address);
    expect(noClaim.status).toBe('FAILED');
    expect(noClaim.error).toMatchObject({
      code: 'COMPLIANCE_REJECTED',
      module: 'identity-registry',
    });
    expect(noClaim.transactions[0]?.hash ?? null).toBeNull();

    const wrongCountry = await transfer(stack.carol.address);
    expect(wrongCountry.status).toBe('FAILED');
    expect(wrongCountry.error?.code).toBe('COMPLIANCE_REJECTED');
    expect(wrongCountry.error?.reason).toMatch(/CountryNotAllowed/);

    await completed('token.transfer', { asset, to: stack.alice.address, amount: '10' });
    expect(await balanceOf(stack.alice.address)).toBe(10n);
  }, 600_000);

  it('binds an identity claim expression through the API: the recipient must satisfy it', async () => {
    const created = await completed('asset.create', {
      kind: 'equity',
      name: 'Keel Expression Equity',
      symbol: 'KXE',
      decimals: 0,
      modules: [{ type: 'identity-claim-expression', params: { expression: `${KYC} AND NOT 13` } }],
    });
    const expressionAsset = created.result?.asset as Address;
    await completed('token.mint', {
      asset: expressionAsset,
      to: stack.signerWallet,
      amount: '100',
    });
    // Carol holds KYC (and is German: no country module binds here); Bob holds no claim.
    await completed('token.transfer', {
      asset: expressionAsset,
      to: stack.carol.address,
      amount: '7',
    });
    expect(await balanceOf(stack.carol.address, expressionAsset)).toBe(7n);
    const denied = await transfer(stack.bob.address, '7', expressionAsset);
    expect(denied.status).toBe('FAILED');
    expect(denied.error).toMatchObject({ code: 'COMPLIANCE_REJECTED' });
    expect(`${denied.error?.module} ${denied.error?.reason}`).toMatch(
      /IdentityClaimExpression|ClaimExpressionNotSatisfied/,
    );
    expect(denied.transactions[0]?.hash ?? null).toBeNull();

    const res = await post({
      type: 'asset.create',
      params: {
        kind: 'equity',
        name: 'Bad',
        symbol: 'BAD',
        decimals: 0,
        modules: [{ type: 'identity-claim-expression', params: { expression: `${KYC} AND` } }],
      },
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain(
      'expected a claim topic, NOT or ( at the end',
    );
  }, 600_000);

  it('a claim that expires stops the next transfer', async () => {
    const now = Number((await stack.client.getBlock()).timestamp);
    await completed('claim.issue', {
      wallet: stack.bob.address,
      topic: KYC,
      data: '0x4b5943',
      expiry: now + 600,
      issuer,
    });
    await completed('token.transfer', { asset, to: stack.bob.address, amount: '5' });
    await stack.client.request({ method: 'evm_increaseTime' as never, params: [1200] as never });
    await stack.client.request({ method: 'evm_mine' as never, params: [] as never });
    const expired = await transfer(stack.bob.address, '5');
    expect(expired.status).toBe('FAILED');
    expect(expired.error).toMatchObject({
      code: 'COMPLIANCE_REJECTED',
      module: 'identity-registry',
    });
    expect(await balanceOf(stack.bob.address)).toBe(5n);
  }, 600_000);

  it('the issuer revoking a claim, or no longer being trusted, stops the next transfer', async () => {
    const revoked = await completed('claim.revoke', {
      wallet: stack.alice.address,
      topic: KYC,
      issuer,
    });
    expect(revoked.transactions[0]?.from.toLowerCase()).toBe(issuer.toLowerCase());
    const afterRevoke = await transfer(stack.alice.address);
    expect(afterRevoke.error).toMatchObject({
      code: 'COMPLIANCE_REJECTED',
      module: 'identity-registry',
    });

    // The signer still holds a valid claim until the issuer is untrusted.
    await completed('token.mint', { asset, to: stack.signerWallet, amount: '1' });
    await completed('issuer.untrust', { issuer });
    const afterUntrust = await run('token.mint', { asset, to: stack.signerWallet, amount: '1' });
    expect(afterUntrust.status).toBe('FAILED');
    expect(afterUntrust.error?.code).toBe('COMPLIANCE_REJECTED');
  }, 600_000);

  it('an engine restart in the middle of a multi-step operation finishes it exactly once', async () => {
    const wallet = stack.admin.address;
    const id = await stack.submit(
      'identity.create',
      { wallet, country: US },
      `iss-restart-${seq++}`,
    );
    let seen: OperationView | null = null;
    for (let i = 0; i < 200 && !seen; i++) {
      const res = await fetch(`${stack.gatewayUrl}/api/v1/operations/${id}`, {
        headers: { 'x-api-key': ADMIN_KEY },
      });
      const op = res.status === 200 ? ((await res.json()) as OperationView) : null;
      if (op && op.transactions.length === 2 && op.status !== 'RECEIVED') seen = op;
      else await new Promise((r) => setTimeout(r, 25));
    }
    await stack.killAndRestart('execution-engine');
    const done = await stack.terminal(id);
    expect(done.status).toBe('COMPLETED');
    expect(done.transactions.map((t) => t.status)).toEqual(['mined', 'mined']);
    expect(new Set(done.transactions.map((t) => t.hash)).size).toBe(2);
    expect(done.history.filter((h) => h.status === 'COMPLETED')).toHaveLength(1);
    const stored = await stack.client.readContract({
      address: done.result?.identity as Address,
      abi: [
        {
          type: 'function',
          name: 'getKeysByPurpose',
          stateMutability: 'view',
          inputs: [{ type: 'uint256' }],
          outputs: [{ type: 'bytes32[]' }],
        },
      ],
      functionName: 'getKeysByPurpose',
      args: [1n],
    });
    expect(stored).toHaveLength(1);
  }, 600_000);
});
