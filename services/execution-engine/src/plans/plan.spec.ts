import {
  AssetFactoryAbi,
  IdentityRegistryAbi,
  KeelIdentityAbi,
  KeelSystemBootstrapAbi,
} from '@keel/abi';
import { parseOperation, type ParsedOperation } from '@keel/operations';
import { type Address, decodeFunctionData, getAddress, zeroAddress } from 'viem';
import { describe, expect, it } from 'vitest';
import { roleId } from '../pipeline/calldata';
import { type PlanContext, PlanningError, planOperation } from './plan';
import {
  CREATE2_DEPLOYER,
  claimIdOf,
  predictClaimIssuer,
  predictIdentity,
  predictSystem,
} from './system-layout';

const signer = getAddress('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
const alice = getAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
const issuer = getAddress('0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC');
const system = predictSystem('org-a', 31337, signer);

function ctx(over: Partial<PlanContext> & { code?: Set<string> } = {}): PlanContext {
  const code = over.code ?? new Set<string>([CREATE2_DEPLOYER.toLowerCase()]);
  return {
    organizationId: 'org-a',
    chainId: 31337,
    signer,
    system: { status: 'deployed', operationId: 'op-0', addresses: system },
    hasCode: (a: Address) => Promise.resolve(code.has(a.toLowerCase())),
    read: <T>(_a: Address, _abi: readonly unknown[], fn: string): Promise<T> =>
      Promise.resolve((fn === 'storedIdentity' ? alice : false) as T),
    signClaim: () => Promise.resolve(`0x${'ab'.repeat(65)}` as const),
    ...over,
  };
}
const op = (type: string, params: unknown): ParsedOperation => {
  const r = parseOperation(type, params);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.operation;
};

describe('system.bootstrap plan', () => {
  it('deploys every implementation, module and the bootstrapper through the CREATE2 deployer, then bootstraps and binds', async () => {
    const plan = await planOperation(op('system.bootstrap', {}), ctx({ system: null }));
    const labels = plan.steps.map((s) => s.label);
    expect(labels[0]).toBe('deploy accessManager implementation');
    expect(labels).toContain('deploy max-investor-count compliance module');
    expect(labels.slice(-4)).toEqual([
      'bootstrap the system',
      'deploy system claim topics registry',
      'deploy system identity registry',
      'bind the system identity registry to the identity storage',
    ]);
    // 18 implementations (5 token kinds) + 5 factories + 11 modules + bootstrapper + bootstrap + 2 proxies + bind
    expect(plan.steps).toHaveLength(39);
    // Each kind's factory is given that kind's token implementation.
    const boot = decodeFunctionData({
      abi: KeelSystemBootstrapAbi,
      data: plan.steps.find((s) => s.label === 'bootstrap the system')!.data,
    });
    const impl = system.implementations;
    expect(boot.args[0]?.tokens).toEqual([
      impl.bondToken,
      impl.equityToken,
      impl.fundToken,
      impl.stablecoinToken,
      impl.token,
    ]);
    const bootstrap = plan.steps.find((s) => s.label === 'bootstrap the system')!;
    expect(bootstrap.to).toBe(system.bootstrapper);
    const decoded = decodeFunctionData({ abi: KeelSystemBootstrapAbi, data: bootstrap.data });
    expect(decoded.args[1]).toBe(signer);
    expect(plan.completion).toEqual({ kind: 'system-deployed', system });
    expect(plan.result).toMatchObject({ identityRegistry: system.identityRegistry });
  });

  it('skips code that is already deployed (implementations shared by another organization)', async () => {
    const code = new Set(
      [CREATE2_DEPLOYER, ...Object.values(system.implementations)].map((a) => a.toLowerCase()),
    );
    const plan = await planOperation(op('system.bootstrap', {}), ctx({ system: null, code }));
    expect(
      plan.steps.some((s) => s.label.endsWith(' implementation') && !s.label.includes('factory')),
    ).toBe(false);
    expect(plan.steps).toHaveLength(39 - 18);
  });

  it('returns the recorded addresses with nothing to send once deployed', async () => {
    const plan = await planOperation(op('system.bootstrap', {}), ctx());
    expect(plan.steps).toHaveLength(0);
    expect(plan.result).toMatchObject({ accessManager: system.accessManager });
  });

  it('predicts different systems per organization', () => {
    expect(predictSystem('org-b', 31337, signer).accessManager).not.toBe(system.accessManager);
    expect(predictSystem('org-b', 31337, signer).implementations.token).toBe(
      system.implementations.token,
    );
  });
});

describe('identity and claim plans', () => {
  it('identity.create: the CREATE2 identity with the signer as claim key, then registration with the country', async () => {
    const plan = await planOperation(op('identity.create', { wallet: alice, country: 840 }), ctx());
    const identity = predictIdentity(system, alice, [signer]);
    expect(plan.result).toEqual({ identity, wallet: alice });
    expect(plan.steps.map((s) => s.label)).toEqual(['create identity', 'register identity']);
    expect(
      decodeFunctionData({ abi: IdentityRegistryAbi, data: plan.steps[1]!.data }).args,
    ).toEqual([alice, identity, 840]);
  });

  it('needs a bootstrapped system', async () => {
    await expect(
      planOperation(op('identity.create', { wallet: alice, country: 840 }), ctx({ system: null })),
    ).rejects.toBeInstanceOf(PlanningError);
  });

  it('claim.issue: signed by the issuer key, added to the stored identity with its expiry', async () => {
    const plan = await planOperation(
      op('claim.issue', { wallet: alice, topic: 1, data: '0x01', expiry: 2_000_000_000, issuer }),
      ctx(),
    );
    const claimIssuer = predictClaimIssuer(system, issuer);
    expect(plan.steps[0]!.to).toBe(alice);
    const d = decodeFunctionData({ abi: KeelIdentityAbi, data: plan.steps[0]!.data });
    expect(d.functionName).toBe('addClaimWithExpiry');
    expect(d.args).toEqual([
      1n,
      1n,
      claimIssuer,
      `0x${'ab'.repeat(65)}`,
      '0x01',
      '',
      2_000_000_000n,
    ]);
    expect(plan.result).toMatchObject({ claimId: claimIdOf(claimIssuer, 1) });
  });

  it('claim.revoke is sent by the issuer wallet (its claim issuer management key)', async () => {
    const plan = await planOperation(
      op('claim.revoke', { identity: alice, topic: 1, issuer }),
      ctx(),
    );
    expect(plan.steps[0]!.from).toBe(issuer);
    expect(plan.steps[0]!.to).toBe(predictClaimIssuer(system, issuer));
  });
});

describe('asset.create plan', () => {
  it('creates through the kind factory with the signer as admin and reads the asset from the receipt', async () => {
    const plan = await planOperation(
      op('asset.create', {
        kind: 'bond',
        name: 'Bond',
        symbol: 'BND',
        decimals: 18,
        requiredClaimTopics: [1],
        features: {
          bond: { faceValue: '1000', maturity: 4_000_000_000, denominationAsset: alice },
        },
      }),
      ctx(),
    );
    expect(plan.steps[0]!.to).toBe(system.factories.bond);
    const d = decodeFunctionData({ abi: AssetFactoryAbi, data: plan.steps[0]!.data });
    expect(d.args[0]).toMatchObject({ admin: signer, requiredClaimTopics: [1n] });
    expect(plan.completion).toEqual({ kind: 'asset-created' });
  });

  it('binds the registered module instances with their config calls, grants roles and unpauses atomically', async () => {
    const plan = await planOperation(
      op('asset.create', {
        kind: 'equity',
        name: 'Eq',
        symbol: 'EQ',
        decimals: 0,
        modules: [
          { type: 'country-allow-list', params: { countries: [840] } },
          {
            type: 'max-investor-count',
            params: { maxInvestors: 3, perCountry: [{ country: 840, maxInvestors: 2 }] },
          },
        ],
        features: { cap: '1000000', historicalBalances: true },
        roles: [{ role: 'compliance-agent', account: alice }],
      }),
      ctx(),
    );
    expect(plan.steps).toHaveLength(1);
    const d = decodeFunctionData({ abi: AssetFactoryAbi, data: plan.steps[0]!.data });
    const req = d.args[0] as unknown as {
      modules: { module: Address; configCalls: readonly `0x${string}`[] }[];
      cap: bigint;
      historicalBalances: boolean;
      roleGrants: { role: `0x${string}`; account: Address }[];
      unpause: boolean;
    };
    expect(req.modules.map((m) => m.module)).toEqual([
      system.modules['country-allow-list'],
      system.modules['max-investor-count'],
    ]);
    expect(req.modules.map((m) => m.configCalls.length)).toEqual([1, 2]);
    expect(req).toMatchObject({ cap: 1_000_000n, historicalBalances: true, unpause: true });
    expect(req.roleGrants).toEqual([{ role: roleId('compliance-agent'), account: alice }]);
  });

  it('token operations stay one step', async () => {
    const plan = await planOperation(
      op('token.mint', { asset: alice, to: issuer, amount: '5' }),
      ctx({ system: null }),
    );
    expect(plan.steps).toHaveLength(1);
    expect(plan.steps[0]!.compliance).toMatchObject({ kind: 'movement' });
    expect(zeroAddress).toBe(plan.steps[0]!.compliance.transfer?.from);
  });
});

describe('wallet.fund plan', () => {
  it('is one plain value transfer from the signer (the gas wallet): to the wallet, no calldata, the amount as value', async () => {
    const plan = await planOperation(
      op('wallet.fund', { wallet: alice, amount: '1000000000000000000' }),
      ctx({ system: null }),
    );
    expect(plan.steps).toEqual([
      {
        label: 'fund wallet',
        from: signer,
        to: alice,
        data: '0x',
        value: '1000000000000000000',
        compliance: { kind: 'admin' },
      },
    ]);
    expect(plan.result).toEqual({ wallet: alice, amount: '1000000000000000000', from: signer });
  });

  it('refuses a gas wallet funding itself, and a zero amount at the edge', async () => {
    await expect(
      planOperation(op('wallet.fund', { wallet: signer.toLowerCase(), amount: '1' }), ctx()),
    ).rejects.toMatchObject({ code: 'FUND_SELF' });
    expect(parseOperation('wallet.fund', { wallet: alice, amount: '0' }).ok).toBe(false);
  });
});
