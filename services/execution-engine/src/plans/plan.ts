import {
  AssetFactoryAbi,
  IdentityFactoryAbi,
  IdentityRegistryAbi,
  IdentityRegistryStorageAbi,
  KeelClaimIssuerAbi,
  KeelIdentityAbi,
  KeelSystemBootstrapAbi,
  KeelSystemBootstrapBytecode,
  TrustedIssuersRegistryAbi,
  ClaimTopicsRegistryAbi,
} from '@keel/abi';
import {
  type AssetKind,
  type ComplianceModuleConfig,
  complianceModuleTypes,
  type OperationParams,
  type ParsedOperation,
} from '@keel/operations';
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  parseAbiParameters,
  zeroAddress,
} from 'viem';
import type { StepCompliance } from '../journal/operation.repository';
import { buildCall, InvalidOperationError, roleId } from '../pipeline/calldata';
import { planAirdropOperation } from './airdrop';
import { moduleConfigCalls } from './modules';
import {
  bootstrapperSalt,
  claimIdOf,
  CREATE2_DEPLOYER,
  create2Calldata,
  factoryCode,
  factoryOrder,
  IMPLEMENTATION_SALT,
  implementationCode,
  moduleCode,
  predictClaimIssuer,
  predictIdentity,
  predictSystem,
  type SystemAddresses,
  systemProxies,
} from './system-layout';

/** One transaction of a plan. */
export interface PlannedStep {
  readonly label: string;
  /** The wallet that sends it (the operation's signer unless the step needs another key). */
  readonly from: Address;
  readonly to: Address;
  readonly data: Hex;
  readonly value: string;
  readonly compliance: StepCompliance;
}

/** What completing the operation records besides its result. */
export type Completion =
  | { readonly kind: 'system-deployed'; readonly system: SystemAddresses }
  /** The result is read from the last step's logs (addresses not known before it is mined). */
  | { readonly kind: 'asset-created' };

export interface Plan {
  readonly steps: readonly PlannedStep[];
  readonly result?: Record<string, unknown>;
  readonly completion?: Completion;
}

/** What planning may look up: the chain (read-only), the recorded system, the claim signer. */
export interface PlanContext {
  readonly organizationId: string;
  readonly chainId: number;
  readonly signer: Address;
  /** The organization's system on this chain: deployed, being deployed (by `operationId`), or absent. */
  readonly system: {
    status: 'deploying' | 'deployed';
    operationId: string;
    addresses: SystemAddresses;
  } | null;
  hasCode(address: Address): Promise<boolean>;
  read<T>(
    address: Address,
    abi: readonly unknown[],
    functionName: string,
    args?: readonly unknown[],
  ): Promise<T>;
  signClaim(claim: {
    wallet: Address;
    claimIssuer: Address;
    identity: Address;
    topic: number;
    expiresAt: number;
    data: Hex;
  }): Promise<Hex>;
}

/** A plan that cannot be built: FAILED / PREPARATION_FAILED with this code. */
export class PlanningError extends Error {
  override readonly name = 'PlanningError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const admin: StepCompliance = { kind: 'admin' };
const a = (v: string): Address => getAddress(v);

function requireSystem(ctx: PlanContext): SystemAddresses {
  if (ctx.system?.status !== 'deployed')
    throw new PlanningError(
      'SYSTEM_NOT_BOOTSTRAPPED',
      `The organization has no Keel system on chain ${ctx.chainId} yet; run system.bootstrap first.`,
    );
  return ctx.system.addresses;
}

/** Builds the ordered transactions of an operation. Every address is known before the first is sent. */
export async function planOperation(operation: ParsedOperation, ctx: PlanContext): Promise<Plan> {
  const step = (
    label: string,
    to: Address,
    data: Hex,
    from: Address = ctx.signer,
  ): PlannedStep => ({
    label,
    from,
    to,
    data,
    value: '0',
    compliance: admin,
  });
  switch (operation.type) {
    case 'system.bootstrap':
      return planBootstrap(ctx, step);
    case 'identity.create': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const wallet = a(p.wallet);
      const keys = [...new Set([ctx.signer, ...(p.claimKeys ?? [])].map(a))];
      const identity = predictIdentity(s, wallet, keys);
      const steps: PlannedStep[] = [];
      if (!(await ctx.hasCode(identity)))
        steps.push(
          step(
            'create identity',
            s.identityFactory,
            encodeFunctionData({
              abi: IdentityFactoryAbi,
              functionName: 'createIdentity',
              args: [wallet, keys],
            }),
          ),
        );
      steps.push(
        step(
          'register identity',
          s.identityRegistry,
          encodeFunctionData({
            abi: IdentityRegistryAbi,
            functionName: 'registerIdentity',
            args: [wallet, identity, p.country],
          }),
        ),
      );
      return { steps, result: { identity, wallet } };
    }
    case 'identity.update': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const steps: PlannedStep[] = [];
      if (p.identity)
        steps.push(
          step(
            'update identity',
            s.identityRegistry,
            encodeFunctionData({
              abi: IdentityRegistryAbi,
              functionName: 'updateIdentity',
              args: [a(p.wallet), a(p.identity)],
            }),
          ),
        );
      if (p.country !== undefined)
        steps.push(
          step(
            'update country',
            s.identityRegistry,
            encodeFunctionData({
              abi: IdentityRegistryAbi,
              functionName: 'updateCountry',
              args: [a(p.wallet), p.country],
            }),
          ),
        );
      return { steps };
    }
    case 'identity.remove': {
      const s = requireSystem(ctx);
      return {
        steps: [
          step(
            'delete identity',
            s.identityRegistry,
            encodeFunctionData({
              abi: IdentityRegistryAbi,
              functionName: 'deleteIdentity',
              args: [a(operation.params.wallet)],
            }),
          ),
        ],
      };
    }
    case 'issuer.trust':
    case 'issuer.untrust': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const wallet = a(p.issuer);
      const claimIssuer = predictClaimIssuer(s, wallet);
      const registry = p.asset
        ? await assetRegistry(ctx, a(p.asset), 'issuersRegistry')
        : s.systemIssuersRegistry;
      const trusted = await ctx.read<boolean>(
        registry,
        TrustedIssuersRegistryAbi,
        'isTrustedIssuer',
        [claimIssuer],
      );
      const steps: PlannedStep[] = [];
      if (operation.type === 'issuer.untrust') {
        if (!trusted)
          throw new PlanningError(
            'ISSUER_NOT_TRUSTED',
            `${wallet}'s claim issuer ${claimIssuer} is not trusted there.`,
          );
        steps.push(
          step(
            'remove trusted issuer',
            registry,
            encodeFunctionData({
              abi: TrustedIssuersRegistryAbi,
              functionName: 'removeTrustedIssuer',
              args: [claimIssuer],
            }),
          ),
        );
        return { steps, result: { claimIssuer } };
      }
      const topics = operation.params.topics.map(BigInt);
      if (!(await ctx.hasCode(claimIssuer)))
        steps.push(
          step(
            'create claim issuer',
            s.identityFactory,
            encodeFunctionData({
              abi: IdentityFactoryAbi,
              functionName: 'createClaimIssuer',
              args: [wallet, [wallet]],
            }),
          ),
        );
      steps.push(
        step(
          trusted ? 'update trusted issuer topics' : 'add trusted issuer',
          registry,
          encodeFunctionData({
            abi: TrustedIssuersRegistryAbi,
            functionName: trusted ? 'updateIssuerClaimTopics' : 'addTrustedIssuer',
            args: [claimIssuer, topics],
          }),
        ),
      );
      return { steps, result: { claimIssuer } };
    }
    case 'claimTopic.add':
    case 'claimTopic.remove': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const registry = p.asset
        ? await assetRegistry(ctx, a(p.asset), 'topicsRegistry')
        : s.claimTopicsRegistry;
      const add = operation.type === 'claimTopic.add';
      return {
        steps: [
          step(
            add ? 'add claim topic' : 'remove claim topic',
            registry,
            encodeFunctionData({
              abi: ClaimTopicsRegistryAbi,
              functionName: add ? 'addClaimTopic' : 'removeClaimTopic',
              args: [BigInt(p.topic)],
            }),
          ),
        ],
      };
    }
    case 'claim.issue': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const identity = await identityOf(ctx, s, p);
      const wallet = a(p.issuer);
      const claimIssuer = predictClaimIssuer(s, wallet);
      const expiresAt = p.expiry ?? 0;
      const data = p.data as Hex;
      const signature = await ctx.signClaim({
        wallet,
        claimIssuer,
        identity,
        topic: p.topic,
        expiresAt,
        data,
      });
      return {
        steps: [
          step(
            'add claim',
            identity,
            encodeFunctionData({
              abi: KeelIdentityAbi,
              functionName: 'addClaimWithExpiry',
              args: [BigInt(p.topic), 1n, claimIssuer, signature, data, '', BigInt(expiresAt)],
            }),
          ),
        ],
        result: { identity, claimIssuer, claimId: claimIdOf(claimIssuer, p.topic) },
      };
    }
    case 'claim.revoke': {
      const s = requireSystem(ctx);
      const p = operation.params;
      const identity = await identityOf(ctx, s, p);
      const wallet = a(p.issuer);
      const claimIssuer = predictClaimIssuer(s, wallet);
      const claimId = claimIdOf(claimIssuer, p.topic);
      // Revocation is the issuer's act: its management key (the issuer wallet) sends it.
      return {
        steps: [
          step(
            'revoke claim',
            claimIssuer,
            encodeFunctionData({
              abi: KeelClaimIssuerAbi,
              functionName: 'revokeClaim',
              args: [claimId, identity],
            }),
            wallet,
          ),
        ],
        result: { identity, claimIssuer, claimId },
      };
    }
    case 'asset.create':
      return planAssetCreate(operation.params, ctx, step);
    case 'wallet.fund':
      return planWalletFund(operation.params, ctx);
    case 'airdrop.create':
    case 'airdrop.fund':
    case 'airdrop.distribute':
    case 'airdrop.claim':
    case 'airdrop.withdraw':
      return planAirdropOperation(operation, ctx);
    case 'token.mint':
    case 'token.burn':
    case 'token.transfer':
    case 'token.transferFrom':
    case 'token.batchTransfer':
    case 'token.forcedTransfer':
    case 'token.freeze':
    case 'token.freezePartial':
    case 'token.pause':
    case 'token.unpause':
    case 'token.recover':
    case 'role.grant':
    case 'role.revoke': {
      const call = buildCall(operation, ctx.signer);
      return {
        steps: [
          {
            label: operation.type,
            from: ctx.signer,
            to: call.to,
            data: call.data,
            value: call.value,
            compliance: {
              kind: call.compliance.kind,
              ...(call.compliance.transfer ? { transfer: call.compliance.transfer } : {}),
              asset: call.to,
            },
          },
        ],
      };
    }
  }
}

/**
 * A plain value transfer from the signer (the gas wallet): no calldata, the amount as value.
 * The simulation runs it as an eth_call with that value (a source short of it reverts there,
 * before any signature); the payload-integrity check compares `0x` and the value like any call.
 */
function planWalletFund(p: OperationParams<'wallet.fund'>, ctx: PlanContext): Plan {
  const wallet = a(p.wallet);
  if (wallet === ctx.signer)
    throw new PlanningError('FUND_SELF', `${wallet} cannot fund itself; name another gas wallet.`);
  return {
    steps: [
      {
        label: 'fund wallet',
        from: ctx.signer,
        to: wallet,
        data: '0x',
        value: p.amount,
        compliance: admin,
      },
    ],
    result: { wallet, amount: p.amount, from: ctx.signer },
  };
}

type StepOf = (label: string, to: Address, data: Hex, from?: Address) => PlannedStep;

async function planBootstrap(ctx: PlanContext, step: StepOf): Promise<Plan> {
  if (ctx.system?.status === 'deployed') {
    // Already done: the recorded addresses, nothing to send.
    return { steps: [], result: systemResult(ctx.system.addresses) };
  }
  const s = predictSystem(ctx.organizationId, ctx.chainId, ctx.signer);
  const steps: PlannedStep[] = [];
  const deploy = async (label: string, address: Address, salt: Hex, code: Hex) => {
    if (!(await ctx.hasCode(address)))
      steps.push(step(`deploy ${label}`, CREATE2_DEPLOYER, create2Calldata(salt, code)));
  };
  if (!(await ctx.hasCode(CREATE2_DEPLOYER)))
    throw new PlanningError(
      'NO_CREATE2_DEPLOYER',
      `Chain ${ctx.chainId} has no deterministic deployer at ${CREATE2_DEPLOYER}.`,
    );
  for (const [name, code] of Object.entries(implementationCode))
    await deploy(
      `${name} implementation`,
      s.implementations[name as keyof typeof implementationCode],
      IMPLEMENTATION_SALT,
      code,
    );
  for (const kind of factoryOrder)
    await deploy(
      `${kind} factory implementation`,
      s.factoryImplementations[kind],
      IMPLEMENTATION_SALT,
      factoryCode[kind],
    );
  for (const [type, code] of Object.entries(moduleCode))
    await deploy(
      `${type} compliance module`,
      s.modules[type as keyof typeof moduleCode],
      IMPLEMENTATION_SALT,
      code,
    );
  await deploy(
    'system bootstrapper',
    s.bootstrapper,
    bootstrapperSalt(ctx.organizationId),
    KeelSystemBootstrapBytecode,
  );
  if (!(await ctx.hasCode(s.accessManager))) {
    const impl = s.implementations;
    steps.push(
      step(
        'bootstrap the system',
        s.bootstrapper,
        encodeFunctionData({
          abi: KeelSystemBootstrapAbi,
          functionName: 'bootstrap',
          args: [
            {
              accessManager: impl.accessManager,
              systemRegistry: impl.systemRegistry,
              factoryRegistry: impl.factoryRegistry,
              addonRegistry: impl.addonRegistry,
              identityStorage: impl.identityStorage,
              trustedIssuersRegistry: impl.trustedIssuersRegistry,
              claimTopicsRegistry: impl.claimTopicsRegistry,
              identityRegistry: impl.identityRegistry,
              identityFactory: impl.identityFactory,
              identity: impl.identity,
              claimIssuer: impl.claimIssuer,
              globalCompliance: impl.globalCompliance,
              compliance: impl.compliance,
              // bond, equity, fund, stablecoin, deposit — the bootstrap's kind order
              tokens: [
                impl.bondToken,
                impl.equityToken,
                impl.fundToken,
                impl.stablecoinToken,
                impl.token,
              ],
              factories: [
                s.factoryImplementations.bond,
                s.factoryImplementations.equity,
                s.factoryImplementations.fund,
                s.factoryImplementations.stablecoin,
                s.factoryImplementations.deposit,
              ],
              complianceModules: complianceModuleTypes.map((t) => s.modules[t]),
            },
            ctx.signer,
            zeroAddress,
          ],
        }),
      ),
    );
  }
  const proxies = systemProxies(ctx.organizationId, s.implementations, s);
  await deploy(
    'system claim topics registry',
    proxies.claimTopicsRegistry.address,
    proxies.claimTopicsRegistry.salt,
    proxies.claimTopicsRegistry.code,
  );
  const registryDeployed = await ctx.hasCode(proxies.identityRegistry.address);
  await deploy(
    'system identity registry',
    proxies.identityRegistry.address,
    proxies.identityRegistry.salt,
    proxies.identityRegistry.code,
  );
  const bound =
    registryDeployed &&
    (await ctx.read<boolean>(s.identityStorage, IdentityRegistryStorageAbi, 'isRegistryBound', [
      proxies.identityRegistry.address,
    ]));
  if (!bound)
    steps.push(
      step(
        'bind the system identity registry to the identity storage',
        s.identityStorage,
        encodeFunctionData({
          abi: IdentityRegistryStorageAbi,
          functionName: 'bindIdentityRegistry',
          args: [proxies.identityRegistry.address],
        }),
      ),
    );
  return { steps, result: systemResult(s), completion: { kind: 'system-deployed', system: s } };
}

/** The operation result of system.bootstrap (and of GET /system). */
export function systemResult(s: SystemAddresses): Record<string, unknown> {
  return { ...s };
}

async function assetRegistry(
  ctx: PlanContext,
  asset: Address,
  which: 'issuersRegistry' | 'topicsRegistry',
): Promise<Address> {
  const tokenAbi = [
    {
      type: 'function',
      name: 'identityRegistry',
      inputs: [],
      outputs: [{ type: 'address' }],
      stateMutability: 'view',
    },
  ] as const;
  if (!(await ctx.hasCode(asset)))
    throw new PlanningError('UNKNOWN_ASSET', `No contract at ${asset}.`);
  const registry = await ctx.read<Address>(asset, tokenAbi, 'identityRegistry');
  return ctx.read<Address>(registry, IdentityRegistryAbi, which);
}

async function identityOf(
  ctx: PlanContext,
  s: SystemAddresses,
  p: { wallet?: string | undefined; identity?: string | undefined },
): Promise<Address> {
  if (p.identity) return a(p.identity);
  const stored = await ctx.read<Address>(
    s.identityStorage,
    IdentityRegistryStorageAbi,
    'storedIdentity',
    [a(p.wallet!)],
  );
  if (stored === zeroAddress)
    throw new PlanningError(
      'IDENTITY_NOT_FOUND',
      `No identity is registered for ${p.wallet}; run identity.create first.`,
    );
  return stored;
}

/** The kind's terms, as its factory decodes them (see AssetFactories.sol). */
export function encodeTerms(p: OperationParams<'asset.create'>): Hex {
  const t = p.terms;
  const kind: AssetKind = p.kind;
  switch (kind) {
    case 'bond': {
      const b = p.features.bond;
      if (!b) throw new InvalidOperationError('a bond needs features.bond');
      return encodeAbiParameters(parseAbiParameters('uint256, uint64, address'), [
        BigInt(b.faceValue),
        BigInt(b.maturity),
        a(b.denominationAsset),
      ]);
    }
    case 'equity':
      return encodeAbiParameters(parseAbiParameters('string, string'), [
        t.shareClass ?? 'common',
        t.category ?? '',
      ]);
    case 'fund':
      return encodeAbiParameters(parseAbiParameters('uint16, string'), [
        t.managementFeeBps ?? 0,
        t.fundClass ?? '',
      ]);
    case 'stablecoin':
      return encodeAbiParameters(parseAbiParameters('string, uint256'), [
        t.pegCurrency ?? '',
        BigInt(t.collateralClaimTopic ?? 0),
      ]);
    case 'deposit':
      return encodeAbiParameters(parseAbiParameters('string, string'), [
        t.currency ?? '',
        t.institution ?? '',
      ]);
  }
}

async function planAssetCreate(
  p: OperationParams<'asset.create'>,
  ctx: PlanContext,
  step: StepOf,
): Promise<Plan> {
  const s = requireSystem(ctx);
  const factory = s.factories[p.kind];
  return {
    steps: [
      step(
        `create ${p.kind} asset`,
        factory,
        encodeFunctionData({
          abi: AssetFactoryAbi,
          functionName: 'createAsset',
          args: [
            {
              name: p.name,
              symbol: p.symbol,
              decimals: p.decimals,
              isin: p.isin ?? '',
              admin: ctx.signer,
              requiredClaimTopics: p.requiredClaimTopics.map(BigInt),
              terms: encodeTerms(p),
              modules: (p.modules as ComplianceModuleConfig[]).map((m) => ({
                module: s.modules[m.type],
                configCalls: moduleConfigCalls(m),
              })),
              cap: BigInt(p.features.cap ?? 0),
              historicalBalances: p.features.historicalBalances ?? false,
              voting: p.features.voting ?? false,
              roleGrants: p.roles.map((g) => ({ role: roleId(g.role), account: a(g.account) })),
              unpause: true,
            },
          ],
        }),
      ),
    ],
    completion: { kind: 'asset-created' },
  };
}
