import {
  AddonRegistryBytecode,
  AddressAllowListModuleBytecode,
  AddressBlockListModuleBytecode,
  BondFactoryBytecode,
  ClaimTopicsRegistryAbi,
  ClaimTopicsRegistryBytecode,
  CountryAllowListModuleBytecode,
  CountryBlockListModuleBytecode,
  DepositFactoryBytecode,
  EquityFactoryBytecode,
  ERC1967ProxyAbi,
  ERC1967ProxyBytecode,
  FactoryRegistryBytecode,
  FundFactoryBytecode,
  GlobalComplianceBytecode,
  IdentityFactoryBytecode,
  IdentityRegistryAbi,
  IdentityClaimExpressionModuleBytecode,
  IdentityRegistryBytecode,
  IdentityRegistryStorageBytecode,
  KeelAccessManagerBytecode,
  KeelClaimIssuerBytecode,
  KeelIdentityAbi,
  KeelIdentityBytecode,
  KeelIdentityProxyAbi,
  KeelIdentityProxyBytecode,
  KeelSystemBootstrapBytecode,
  KeelBondTokenBytecode,
  KeelEquityTokenBytecode,
  KeelFundTokenBytecode,
  KeelStablecoinTokenBytecode,
  KeelTokenBytecode,
  MaxBalanceModuleBytecode,
  MaxInvestorCountModuleBytecode,
  ModularComplianceBytecode,
  StablecoinFactoryBytecode,
  SupplyLimitModuleBytecode,
  SystemRegistryBytecode,
  TimeLockModuleBytecode,
  TransferApprovalModuleBytecode,
  TransferVolumeLimitModuleBytecode,
  TrustedIssuersRegistryBytecode,
} from '@keel/abi';
import type { AssetKind, ComplianceModuleType } from '@keel/operations';
import {
  type Address,
  concatHex,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  getContractAddress,
  type Hex,
  keccak256,
  parseAbiParameters,
  toHex,
  zeroAddress,
} from 'viem';

/**
 * Where Keel's system contracts live, computed before anything is sent: the
 * implementations through the deterministic CREATE2 deployer (shared by every
 * organization on a chain), a bootstrapper per organization (CREATE2, so its
 * CREATE nonces — and every system proxy it deploys — are known upfront), and
 * the system-tier identity and claim topics registries (CREATE2 proxies).
 */
export const CREATE2_DEPLOYER: Address = '0x4e59b44847b379578588920ca78fbf26c0b4956c';
/** Salt of the shared implementations (version of the layout). */
export const IMPLEMENTATION_SALT: Hex = keccak256(toHex('keel.implementations.v1'));

const asImpl = encodeAbiParameters(parseAbiParameters('bool'), [true]);
const init = (bytecode: Hex, args: Hex = '0x'): Hex => concatHex([bytecode, args]);

/** Creation code of each implementation, by its name in the bootstrap's `Implementations`. */
export const implementationCode = {
  accessManager: init(KeelAccessManagerBytecode),
  systemRegistry: init(SystemRegistryBytecode),
  factoryRegistry: init(FactoryRegistryBytecode),
  addonRegistry: init(AddonRegistryBytecode),
  identityStorage: init(IdentityRegistryStorageBytecode),
  trustedIssuersRegistry: init(TrustedIssuersRegistryBytecode),
  claimTopicsRegistry: init(ClaimTopicsRegistryBytecode),
  identityRegistry: init(IdentityRegistryBytecode),
  identityFactory: init(IdentityFactoryBytecode),
  identity: init(KeelIdentityBytecode, asImpl),
  claimIssuer: init(KeelClaimIssuerBytecode, asImpl),
  globalCompliance: init(GlobalComplianceBytecode, asImpl),
  compliance: init(ModularComplianceBytecode, asImpl),
  /** The deposit token, and the base every kind's token extends. */
  token: init(KeelTokenBytecode, asImpl),
  // Each kind's own token (its factory calls the kind's setters: bond terms, fee, collateral).
  bondToken: init(KeelBondTokenBytecode, asImpl),
  equityToken: init(KeelEquityTokenBytecode, asImpl),
  fundToken: init(KeelFundTokenBytecode, asImpl),
  stablecoinToken: init(KeelStablecoinTokenBytecode, asImpl),
} as const;
export type ImplementationName = keyof typeof implementationCode;

/** The asset factories, in the bootstrap's order (bond, equity, fund, stablecoin, deposit). */
export const factoryCode: Record<AssetKind, Hex> = {
  bond: BondFactoryBytecode,
  equity: EquityFactoryBytecode,
  fund: FundFactoryBytecode,
  stablecoin: StablecoinFactoryBytecode,
  deposit: DepositFactoryBytecode,
};
export const factoryOrder: readonly AssetKind[] = [
  'bond',
  'equity',
  'fund',
  'stablecoin',
  'deposit',
];

/** One shared instance of each compliance module (their state is per compliance). */
export const moduleCode: Record<ComplianceModuleType, Hex> = {
  'country-allow-list': CountryAllowListModuleBytecode,
  'country-block-list': CountryBlockListModuleBytecode,
  'max-investor-count': MaxInvestorCountModuleBytecode,
  'max-balance': MaxBalanceModuleBytecode,
  'supply-limit': SupplyLimitModuleBytecode,
  'transfer-volume-limit': TransferVolumeLimitModuleBytecode,
  'time-lock': TimeLockModuleBytecode,
  'address-allow-list': AddressAllowListModuleBytecode,
  'address-block-list': AddressBlockListModuleBytecode,
  'transfer-approval': TransferApprovalModuleBytecode,
  'identity-claim-expression': IdentityClaimExpressionModuleBytecode,
};

export function create2Address(
  salt: Hex,
  initCode: Hex,
  deployer: Address = CREATE2_DEPLOYER,
): Address {
  return getContractAddress({ opcode: 'CREATE2', from: deployer, salt, bytecode: initCode });
}

/** The deployer's calldata: salt ++ creation code. */
export function create2Calldata(salt: Hex, initCode: Hex): Hex {
  return concatHex([salt, initCode]);
}

export interface SystemAddresses {
  readonly chainId: number;
  readonly admin: Address;
  readonly bootstrapper: Address;
  readonly implementations: Record<ImplementationName, Address>;
  readonly factoryImplementations: Record<AssetKind, Address>;
  readonly accessManager: Address;
  readonly systemRegistry: Address;
  readonly factoryRegistry: Address;
  readonly addonRegistry: Address;
  readonly identityStorage: Address;
  readonly globalIssuersRegistry: Address;
  readonly systemIssuersRegistry: Address;
  readonly identityBeacon: Address;
  readonly claimIssuerBeacon: Address;
  readonly identityFactory: Address;
  readonly globalCompliance: Address;
  readonly factories: Record<AssetKind, Address>;
  /** System tier: the topics every holder needs on every asset of the system is per asset; this one is the system's own. */
  readonly claimTopicsRegistry: Address;
  /** Bound to the shared identity storage: registers identities for every asset. */
  readonly identityRegistry: Address;
  readonly modules: Record<ComplianceModuleType, Address>;
}

export const bootstrapperSalt = (organizationId: string): Hex =>
  keccak256(toHex(`keel.bootstrapper.v1:${organizationId}`));
const proxySalt = (organizationId: string, what: string): Hex =>
  keccak256(toHex(`keel.system.v1:${organizationId}:${what}`));

export function proxyInitCode(implementation: Address, initData: Hex): Hex {
  return encodeDeployData({
    abi: ERC1967ProxyAbi,
    bytecode: ERC1967ProxyBytecode,
    args: [implementation, initData],
  });
}

/** The system-tier registries: ERC1967 proxies through the CREATE2 deployer. */
export function systemProxies(
  organizationId: string,
  impl: Record<ImplementationName, Address>,
  s: Pick<SystemAddresses, 'accessManager' | 'identityStorage' | 'systemIssuersRegistry'>,
) {
  const topicsSalt = proxySalt(organizationId, 'claimTopicsRegistry');
  const topicsCode = proxyInitCode(
    impl.claimTopicsRegistry,
    encodeFunctionData({
      abi: ClaimTopicsRegistryAbi,
      functionName: 'initialize',
      args: [s.accessManager, zeroAddress],
    }),
  );
  const claimTopicsRegistry = create2Address(topicsSalt, topicsCode);
  const registrySalt = proxySalt(organizationId, 'identityRegistry');
  const registryCode = proxyInitCode(
    impl.identityRegistry,
    encodeFunctionData({
      abi: IdentityRegistryAbi,
      functionName: 'initialize',
      args: [
        s.accessManager,
        zeroAddress,
        s.identityStorage,
        claimTopicsRegistry,
        s.systemIssuersRegistry,
      ],
    }),
  );
  return {
    claimTopicsRegistry: { address: claimTopicsRegistry, salt: topicsSalt, code: topicsCode },
    identityRegistry: {
      address: create2Address(registrySalt, registryCode),
      salt: registrySalt,
      code: registryCode,
    },
  };
}

/** Every address of an organization's system, before it is deployed. */
export function predictSystem(
  organizationId: string,
  chainId: number,
  admin: Address,
): SystemAddresses {
  const implementations = Object.fromEntries(
    Object.entries(implementationCode).map(([k, code]) => [
      k,
      create2Address(IMPLEMENTATION_SALT, code),
    ]),
  ) as Record<ImplementationName, Address>;
  const factoryImplementations = Object.fromEntries(
    factoryOrder.map((k) => [k, create2Address(IMPLEMENTATION_SALT, factoryCode[k])]),
  ) as Record<AssetKind, Address>;
  const modules = Object.fromEntries(
    Object.entries(moduleCode).map(([k, code]) => [k, create2Address(IMPLEMENTATION_SALT, code)]),
  ) as Record<ComplianceModuleType, Address>;
  const bootstrapper = create2Address(
    bootstrapperSalt(organizationId),
    KeelSystemBootstrapBytecode,
  );
  // KeelSystemBootstrap.bootstrap deploys with CREATE in this order; a fresh contract starts at nonce 1.
  const created = (n: number): Address =>
    getContractAddress({ opcode: 'CREATE', from: bootstrapper, nonce: BigInt(n) });
  const core = {
    accessManager: created(1),
    systemRegistry: created(2),
    factoryRegistry: created(3),
    addonRegistry: created(4),
    identityStorage: created(5),
    globalIssuersRegistry: created(6),
    systemIssuersRegistry: created(7),
    identityBeacon: created(8),
    claimIssuerBeacon: created(9),
    identityFactory: created(10),
    globalCompliance: created(11),
  };
  const factories = Object.fromEntries(factoryOrder.map((k, i) => [k, created(12 + i)])) as Record<
    AssetKind,
    Address
  >;
  const proxies = systemProxies(organizationId, implementations, core);
  return {
    chainId,
    admin,
    bootstrapper,
    implementations,
    factoryImplementations,
    ...core,
    factories,
    claimTopicsRegistry: proxies.claimTopicsRegistry.address,
    identityRegistry: proxies.identityRegistry.address,
    modules,
  };
}

const IDENTITY_KIND_INVESTOR: Hex = toHex('investor', { size: 32 });
const IDENTITY_KIND_ISSUER: Hex = toHex('issuer', { size: 32 });

function identityProxyAddress(
  factory: Address,
  beacon: Address,
  kind: Hex,
  owner: Address,
  keys: readonly Address[],
): Address {
  const initData = encodeFunctionData({
    abi: KeelIdentityAbi,
    functionName: 'initialize',
    args: [owner, keys],
  });
  const code = encodeDeployData({
    abi: KeelIdentityProxyAbi,
    bytecode: KeelIdentityProxyBytecode,
    args: [beacon, initData],
  });
  const salt = keccak256(
    encodeAbiParameters(parseAbiParameters('bytes32, address'), [kind, owner]),
  );
  return create2Address(salt, code, factory);
}

/** IdentityFactory.predictIdentityAddress(owner, claimKeys), computed locally. */
export function predictIdentity(
  s: SystemAddresses,
  owner: Address,
  claimKeys: readonly Address[],
): Address {
  return identityProxyAddress(
    s.identityFactory,
    s.identityBeacon,
    IDENTITY_KIND_INVESTOR,
    owner,
    claimKeys,
  );
}

/** IdentityFactory.predictClaimIssuerAddress(wallet, [wallet]): the claim issuer a key-guardian wallet signs for. */
export function predictClaimIssuer(s: SystemAddresses, wallet: Address): Address {
  return identityProxyAddress(
    s.identityFactory,
    s.claimIssuerBeacon,
    IDENTITY_KIND_ISSUER,
    wallet,
    [wallet],
  );
}

/** The id a claim is stored under on an identity: keccak256(abi.encode(issuer, topic)). */
export function claimIdOf(claimIssuer: Address, topic: number): Hex {
  return keccak256(
    encodeAbiParameters(parseAbiParameters('address, uint256'), [claimIssuer, BigInt(topic)]),
  );
}
