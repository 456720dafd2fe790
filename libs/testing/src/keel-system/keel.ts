// Keel's production deployment, from the generated artifacts in @keel/abi: implementations,
// one-call system bootstrap (every system contract an ERC1967/UUPS proxy, identities as
// beacon proxies), a claim issuer trusted at the system tier, assets through the deposit
// factory (plain KeelToken: no checkpoint or voting features, comparable with T-REX) (token, compliance and registries behind ERC1967 proxies; shared identity
// storage), investor identities through the identity factory.
import {
  AddonRegistryAbi,
  AddonRegistryBytecode,
  AddressAllowListModuleAbi,
  AddressAllowListModuleBytecode,
  BondFactoryAbi,
  BondFactoryBytecode,
  ClaimTopicsRegistryAbi,
  ClaimTopicsRegistryBytecode,
  CountryAllowListModuleAbi,
  CountryAllowListModuleBytecode,
  DepositFactoryAbi,
  DepositFactoryBytecode,
  EquityFactoryAbi,
  EquityFactoryBytecode,
  FactoryRegistryAbi,
  FactoryRegistryBytecode,
  FundFactoryAbi,
  FundFactoryBytecode,
  GlobalComplianceAbi,
  GlobalComplianceBytecode,
  IdentityFactoryAbi,
  IdentityFactoryBytecode,
  IdentityRegistryAbi,
  IdentityRegistryBytecode,
  IdentityRegistryStorageAbi,
  IdentityRegistryStorageBytecode,
  KeelAccessManagerAbi,
  KeelBondTokenBytecode,
  KeelEquityTokenBytecode,
  KeelFundTokenBytecode,
  KeelStablecoinTokenBytecode,
  KeelAccessManagerBytecode,
  KeelClaimIssuerAbi,
  KeelClaimIssuerBytecode,
  KeelIdentityAbi,
  KeelIdentityBytecode,
  KeelSystemBootstrapAbi,
  KeelSystemBootstrapBytecode,
  KeelTokenAbi,
  KeelTokenBytecode,
  MaxBalanceModuleAbi,
  MaxBalanceModuleBytecode,
  ModularComplianceAbi,
  ModularComplianceBytecode,
  StablecoinFactoryAbi,
  StablecoinFactoryBytecode,
  SupplyLimitModuleAbi,
  SupplyLimitModuleBytecode,
  SystemRegistryAbi,
  SystemRegistryBytecode,
  TransferVolumeLimitModuleAbi,
  TransferVolumeLimitModuleBytecode,
  TrustedIssuersRegistryAbi,
  TrustedIssuersRegistryBytecode,
} from '@keel/abi';
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  parseAbiParameters,
  parseEventLogs,
  type PrivateKeyAccount,
  zeroAddress,
} from 'viem';
import { type Artifact, type BenchChain } from './chain';
import {
  type Actors,
  CLAIM_DATA,
  COUNTRY,
  INITIAL_BALANCE,
  KYC_TOPIC,
  MODULE_NAMES,
  MODULE_ORDER,
  type ModuleKind,
  NO_LIMIT,
  type Platform,
  type Token,
  VOLUME_WINDOW,
} from './model';

const art = (abi: Abi, bytecode: Hex): Artifact => ({ abi, bytecode });

/** Deploys as `deployer`, returning the address; a named contract is `<platform>:<name>` in traces. */
export function labelledDeployer(chain: BenchChain, deployer: PrivateKeyAccount, platform: string) {
  return async (a: Artifact, args: readonly unknown[] = [], name?: string): Promise<Address> =>
    (await chain.deploy(deployer, a, args, name && `${platform}:${name}`)).address;
}

/**
 * Stores the KYC claim `issuer` signed on `identity` (ERC-735 `addClaim`, ECDSA scheme), sent by
 * `holder`: a key with the CLAIM purpose on the identity (its owner, or a CLAIM key).
 */
export async function storeKycClaim(
  chain: BenchChain,
  holder: PrivateKeyAccount,
  identity: Address,
  identityAbi: Abi,
  issuer: Address,
  signature: Hex,
): Promise<void> {
  await chain.send(holder, identity, identityAbi, 'addClaim', [
    KYC_TOPIC,
    1n,
    issuer,
    signature,
    CLAIM_DATA,
    '',
  ]);
}

const MODULES: Record<ModuleKind, Artifact> = {
  countryAllow: art(CountryAllowListModuleAbi, CountryAllowListModuleBytecode),
  maxBalance: art(MaxBalanceModuleAbi, MaxBalanceModuleBytecode),
  transferVolume: art(TransferVolumeLimitModuleAbi, TransferVolumeLimitModuleBytecode),
  supplyLimit: art(SupplyLimitModuleAbi, SupplyLimitModuleBytecode),
  addressAllow: art(AddressAllowListModuleAbi, AddressAllowListModuleBytecode),
};

/** The module's configuration call, sent through the compliance (`callModuleFunction`). */
function moduleSettings(kind: ModuleKind, holders: readonly Address[]): Hex {
  switch (kind) {
    case 'countryAllow':
      return encodeFunctionData({
        abi: CountryAllowListModuleAbi,
        functionName: 'setCountryAllowed',
        args: [COUNTRY, true],
      });
    case 'maxBalance':
      return encodeFunctionData({
        abi: MaxBalanceModuleAbi,
        functionName: 'setMaxBalance',
        args: [NO_LIMIT],
      });
    case 'transferVolume':
      return encodeFunctionData({
        abi: TransferVolumeLimitModuleAbi,
        functionName: 'setVolumeLimit',
        args: [BigInt(VOLUME_WINDOW), NO_LIMIT],
      });
    case 'supplyLimit':
      return encodeFunctionData({
        abi: SupplyLimitModuleAbi,
        functionName: 'setSupplyCap',
        args: [NO_LIMIT],
      });
    case 'addressAllow':
      return encodeFunctionData({
        abi: AddressAllowListModuleAbi,
        functionName: 'batchSetAddressAllowed',
        args: [holders, true],
      });
  }
}

interface SystemAddresses {
  readonly accessManager: Address;
  readonly identityStorage: Address;
  readonly globalIssuersRegistry: Address;
  readonly systemIssuersRegistry: Address;
  readonly identityFactory: Address;
  readonly identityBeacon: Address;
  readonly claimIssuerBeacon: Address;
  readonly globalCompliance: Address;
  readonly factories: readonly Address[];
}

export interface KeelPlatform extends Platform {
  /**
   * Like `createToken`, then reconfigured (no contract change) to show what two planned
   * optimisations save: trust resolved in one registry (asset tier, no parent tiers)
   * and no global compliance call. Not Keel's production default.
   */
  createTokenWhatIf(label: string, modules: readonly ModuleKind[]): Promise<Token>;
  /** The on-chain identity registered for a holder wallet (alice, bob, carol, or one added later). */
  identityOf(holder: Address): Address | undefined;
  /**
   * Registers `wallet` as a verified holder. Without `identity`, a new investor identity is
   * created for it with the admin as a CLAIM key (the wallet's key may live elsewhere, e.g. in
   * key-guardian) and given a KYC claim; with one, `wallet` is registered under that existing
   * identity (a second wallet of the same investor, as recovery needs). Returns the identity.
   */
  registerHolder(wallet: Address, identity?: Address): Promise<Address>;
}

export async function deployKeel(chain: BenchChain, actors: Actors): Promise<KeelPlatform> {
  const { admin, claimSigner, alice, bob, carol } = actors;
  chain.knowAbis(
    KeelTokenAbi,
    ModularComplianceAbi,
    GlobalComplianceAbi,
    IdentityRegistryAbi,
    IdentityRegistryStorageAbi,
    ClaimTopicsRegistryAbi,
    TrustedIssuersRegistryAbi,
    IdentityFactoryAbi,
    DepositFactoryAbi,
    KeelClaimIssuerAbi,
    KeelIdentityAbi,
    ...Object.values(MODULES).map((m) => m.abi),
  );
  const deploy = labelledDeployer(chain, admin, 'Keel');

  // Modules: one instance each, shared by every compliance (state is per compliance),
  // registered in the system registry by the bootstrap (factories bind only those).
  const modules = {} as Record<ModuleKind, Address>;
  for (const kind of MODULE_ORDER)
    modules[kind] = await deploy(MODULES[kind], [], MODULE_NAMES[kind].keel);

  // Implementations (shared by every system and asset).
  const tokenImpl = await deploy(art(KeelTokenAbi, KeelTokenBytecode), [true], 'KeelToken(impl)');
  const impl = {
    accessManager: await deploy(
      art(KeelAccessManagerAbi, KeelAccessManagerBytecode),
      [],
      'KeelAccessManager(impl)',
    ),
    systemRegistry: await deploy(
      art(SystemRegistryAbi, SystemRegistryBytecode),
      [],
      'SystemRegistry(impl)',
    ),
    factoryRegistry: await deploy(
      art(FactoryRegistryAbi, FactoryRegistryBytecode),
      [],
      'FactoryRegistry(impl)',
    ),
    addonRegistry: await deploy(
      art(AddonRegistryAbi, AddonRegistryBytecode),
      [],
      'AddonRegistry(impl)',
    ),
    identityStorage: await deploy(
      art(IdentityRegistryStorageAbi, IdentityRegistryStorageBytecode),
      [],
      'IdentityRegistryStorage(impl)',
    ),
    trustedIssuersRegistry: await deploy(
      art(TrustedIssuersRegistryAbi, TrustedIssuersRegistryBytecode),
      [],
      'TrustedIssuersRegistry(impl)',
    ),
    claimTopicsRegistry: await deploy(
      art(ClaimTopicsRegistryAbi, ClaimTopicsRegistryBytecode),
      [],
      'ClaimTopicsRegistry(impl)',
    ),
    identityRegistry: await deploy(
      art(IdentityRegistryAbi, IdentityRegistryBytecode),
      [],
      'IdentityRegistry(impl)',
    ),
    identityFactory: await deploy(
      art(IdentityFactoryAbi, IdentityFactoryBytecode),
      [],
      'IdentityFactory(impl)',
    ),
    identity: await deploy(
      art(KeelIdentityAbi, KeelIdentityBytecode),
      [true],
      'KeelIdentity(impl)',
    ),
    claimIssuer: await deploy(
      art(KeelClaimIssuerAbi, KeelClaimIssuerBytecode),
      [true],
      'KeelClaimIssuer(impl)',
    ),
    globalCompliance: await deploy(
      art(GlobalComplianceAbi, GlobalComplianceBytecode),
      [true],
      'GlobalCompliance(impl)',
    ),
    compliance: await deploy(
      art(ModularComplianceAbi, ModularComplianceBytecode),
      [true],
      'ModularCompliance(impl)',
    ),
    // Per kind: bond, equity, fund, stablecoin, deposit.
    tokens: [
      await deploy(art(KeelTokenAbi, KeelBondTokenBytecode), [true], 'KeelBondToken(impl)'),
      await deploy(art(KeelTokenAbi, KeelEquityTokenBytecode), [true], 'KeelEquityToken(impl)'),
      await deploy(art(KeelTokenAbi, KeelFundTokenBytecode), [true], 'KeelFundToken(impl)'),
      await deploy(
        art(KeelTokenAbi, KeelStablecoinTokenBytecode),
        [true],
        'KeelStablecoinToken(impl)',
      ),
      tokenImpl,
    ],
    factories: [
      await deploy(art(BondFactoryAbi, BondFactoryBytecode)),
      await deploy(art(EquityFactoryAbi, EquityFactoryBytecode)),
      await deploy(art(FundFactoryAbi, FundFactoryBytecode)),
      await deploy(art(StablecoinFactoryAbi, StablecoinFactoryBytecode)),
      await deploy(art(DepositFactoryAbi, DepositFactoryBytecode)),
    ],
    complianceModules: MODULE_ORDER.map((kind) => modules[kind]),
  };

  // The system: one bootstrap call.
  const bootstrapper = await deploy(art(KeelSystemBootstrapAbi, KeelSystemBootstrapBytecode));
  const bootstrapArgs = [impl, admin.address, zeroAddress] as const;
  const system = (await chain.simulate(
    admin,
    bootstrapper,
    KeelSystemBootstrapAbi,
    'bootstrap',
    bootstrapArgs,
  )) as SystemAddresses;
  await chain.send(admin, bootstrapper, KeelSystemBootstrapAbi, 'bootstrap', bootstrapArgs);
  const depositFactory = system.factories[4];
  if (!depositFactory) throw new Error('bootstrap returned no deposit factory');
  chain.label(system.accessManager, 'Keel:KeelAccessManager');
  chain.label(system.identityStorage, 'Keel:IdentityRegistryStorage');
  chain.label(system.globalIssuersRegistry, 'Keel:TrustedIssuersRegistry(global)');
  chain.label(system.systemIssuersRegistry, 'Keel:TrustedIssuersRegistry(system)');
  chain.label(system.identityFactory, 'Keel:IdentityFactory');
  chain.label(system.identityBeacon, 'Keel:IdentityBeacon');
  chain.label(system.claimIssuerBeacon, 'Keel:ClaimIssuerBeacon');
  chain.label(system.globalCompliance, 'Keel:GlobalCompliance');
  chain.label(depositFactory, 'Keel:DepositFactory');

  // A KYC claim issuer (beacon-proxy identity) trusted for the KYC topic at the system tier.
  const issuerArgs = [admin.address, [claimSigner.address]] as const;
  const issuer = (await chain.read(
    system.identityFactory,
    IdentityFactoryAbi,
    'predictClaimIssuerAddress',
    issuerArgs,
  )) as Address;
  await chain.send(
    admin,
    system.identityFactory,
    IdentityFactoryAbi,
    'createClaimIssuer',
    issuerArgs,
  );
  chain.label(issuer, 'Keel:KeelClaimIssuer');
  await chain.send(
    admin,
    system.systemIssuersRegistry,
    TrustedIssuersRegistryAbi,
    'addTrustedIssuer',
    [issuer, [KYC_TOPIC]],
  );

  const createAsset = async (
    label: string,
  ): Promise<{
    token: Address;
    compliance: Address;
    registry: Address;
    issuers: Address;
    gas: bigint;
  }> => {
    const receipt = await chain.send(admin, depositFactory, DepositFactoryAbi, 'createAsset', [
      {
        name: `Keel ${label}`,
        symbol: 'KBENCH',
        decimals: 18,
        isin: '',
        admin: admin.address,
        requiredClaimTopics: [KYC_TOPIC],
        terms: encodeAbiParameters(parseAbiParameters('string, string'), ['EUR', 'Keel Bench Bank']),
        modules: [],
        cap: 0n,
        historicalBalances: false,
        voting: false,
        roleGrants: [],
        unpause: false,
      },
    ]);
    const [created] = parseEventLogs({
      abi: DepositFactoryAbi,
      eventName: 'AssetCreated',
      logs: receipt.logs,
    });
    if (!created) throw new Error('createAsset emitted no AssetCreated');
    const { token, compliance, identityRegistry, onchainID } = created.args;
    chain.label(token, `Keel:KeelToken(${label})`);
    chain.label(compliance, `Keel:ModularCompliance(${label})`);
    chain.label(identityRegistry, `Keel:IdentityRegistry(${label})`);
    chain.label(onchainID, `Keel:asset identity(${label})`);
    const topics = (await chain.read(
      identityRegistry,
      IdentityRegistryAbi,
      'topicsRegistry',
    )) as Address;
    const issuers = (await chain.read(
      identityRegistry,
      IdentityRegistryAbi,
      'issuersRegistry',
    )) as Address;
    chain.label(topics, `Keel:ClaimTopicsRegistry(${label})`);
    chain.label(issuers, `Keel:TrustedIssuersRegistry(${label})`);
    return { token, compliance, registry: identityRegistry, issuers, gas: receipt.gasUsed };
  };

  // Investor identities (beacon proxies, owner key only) with a KYC claim each, added
  // by the investor. Registration goes to the shared storage once, through any asset's
  // identity registry; every asset of the system then sees it.
  const identityGas: bigint[] = [];
  const identities = new Map<Address, Address>();
  for (const holder of [alice, bob, carol]) {
    const args = [holder.address, []] as const;
    const id = (await chain.read(
      system.identityFactory,
      IdentityFactoryAbi,
      'predictIdentityAddress',
      args,
    )) as Address;
    identityGas.push(
      (await chain.send(admin, system.identityFactory, IdentityFactoryAbi, 'createIdentity', args))
        .gasUsed,
    );
    chain.label(
      id,
      `Keel:identity(${holder === alice ? 'alice' : holder === bob ? 'bob' : 'carol'})`,
    );
    await addClaim(chain, holder, id, issuer, claimSigner);
    identities.set(holder.address, id);
  }

  const firstAsset = await createAsset('deployment 1');
  const laterAsset = await createAsset('deployment 2');
  for (const holder of [alice, bob, carol]) {
    await chain.send(admin, firstAsset.registry, IdentityRegistryAbi, 'registerIdentity', [
      holder.address,
      identities.get(holder.address),
      COUNTRY,
    ]);
  }
  const holders = [alice.address, bob.address, carol.address];

  const createToken = async (
    label: string,
    kinds: readonly ModuleKind[],
    whatIf: boolean,
  ): Promise<Token> => {
    const asset = await createAsset(label);
    if (whatIf) {
      // Configuration only: the issuer trusted at the asset tier with no parent tier (one
      // registry instead of three), and no global compliance call.
      await chain.send(admin, asset.issuers, TrustedIssuersRegistryAbi, 'setParentRegistry', [
        zeroAddress,
      ]);
      await chain.send(admin, asset.issuers, TrustedIssuersRegistryAbi, 'addTrustedIssuer', [
        issuer,
        [KYC_TOPIC],
      ]);
      await chain.send(admin, asset.compliance, ModularComplianceAbi, 'setGlobalCompliance', [
        zeroAddress,
      ]);
    }
    for (const kind of kinds) {
      await chain.send(admin, asset.compliance, ModularComplianceAbi, 'addModule', [modules[kind]]);
      await chain.send(admin, asset.compliance, ModularComplianceAbi, 'callModuleFunction', [
        moduleSettings(kind, holders),
        modules[kind],
      ]);
    }
    await chain.send(admin, asset.token, KeelTokenAbi, 'mint', [alice.address, INITIAL_BALANCE]);
    await chain.send(admin, asset.token, KeelTokenAbi, 'mint', [bob.address, INITIAL_BALANCE]);
    await chain.send(admin, asset.token, KeelTokenAbi, 'unpause');
    const bound = (await chain.read(
      asset.compliance,
      ModularComplianceAbi,
      'getModules',
    )) as readonly Address[];
    return { address: asset.token, boundModules: bound.length };
  };

  return {
    name: 'Keel',
    assetDeployment: {
      first: firstAsset.gas,
      later: laterAsset.gas,
      note: 'DepositFactory.createAsset: token, compliance, claim topics, trusted issuers and identity registry proxies (ERC1967/UUPS), asset identity (beacon proxy), 1 required topic (issuer trusted at the system tier), shared identity storage, kind metadata',
    },
    identityDeployment: {
      gas: identityGas[identityGas.length - 1] ?? 0n,
      note: 'IdentityFactory.createIdentity(owner, []): beacon proxy at a CREATE2 address, 1 management key',
    },
    async createToken(label: string, kinds: readonly ModuleKind[]): Promise<Token> {
      return createToken(label, kinds, false);
    },
    async createTokenWhatIf(label: string, kinds: readonly ModuleKind[]): Promise<Token> {
      return createToken(label, kinds, true);
    },
    identityOf(holder: Address): Address | undefined {
      return identities.get(holder);
    },
    async registerHolder(wallet: Address, identity?: Address): Promise<Address> {
      let id = identity;
      if (!id) {
        const args = [wallet, [admin.address]] as const;
        id = (await chain.read(
          system.identityFactory,
          IdentityFactoryAbi,
          'predictIdentityAddress',
          args,
        )) as Address;
        await chain.send(admin, system.identityFactory, IdentityFactoryAbi, 'createIdentity', args);
        await addClaim(chain, admin, id, issuer, claimSigner);
      }
      await chain.send(admin, firstAsset.registry, IdentityRegistryAbi, 'registerIdentity', [
        wallet,
        id,
        COUNTRY,
      ]);
      identities.set(wallet, id);
      return id;
    },
  };
}

/**
 * The issuer's signing key signs the EIP-712 claim digest; `holder` (a key with the CLAIM
 * purpose on the identity: its owner, or a CLAIM key given at creation) stores the claim.
 */
async function addClaim(
  chain: BenchChain,
  holder: PrivateKeyAccount,
  identity: Address,
  issuer: Address,
  signer: PrivateKeyAccount,
): Promise<void> {
  const digest = (await chain.read(issuer, KeelClaimIssuerAbi, 'claimDigest', [
    identity,
    KYC_TOPIC,
    0n,
    CLAIM_DATA,
  ])) as Hex;
  const signature = await signer.sign({ hash: digest });
  await storeKycClaim(chain, holder, identity, KeelIdentityAbi, issuer, signature);
}
