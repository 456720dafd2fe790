// T-REX v4.1.6's proxied suite, from the compiled artifacts shipped in the npm packages
// @tokenysolutions/t-rex (4.1.6) and @onchain-id/solidity (2.1.0, the version T-REX 4.1.6
// locks). Only ABIs and bytecode are used; no T-REX source is part of Keel.
// Setup as T-REX's own full-suite fixture and factory: implementations behind a
// TREXImplementationAuthority, suites through TREXFactory.deployTREXSuite (token,
// identity registry, storage, trusted issuers, claim topics and modular compliance
// proxies, token ONCHAINID through the IdFactory), modules behind ModuleProxy, investor
// identities through the OnchainID IdFactory, claims signed by a ClaimIssuer key.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseAbiParameters,
  parseEventLogs,
  type PrivateKeyAccount,
  zeroAddress,
} from 'viem';
import {
  type Actors,
  type Artifact,
  type BenchChain,
  CLAIM_DATA,
  COUNTRY,
  INITIAL_BALANCE,
  KYC_TOPIC,
  labelledDeployer,
  MODULE_NAMES,
  MODULE_ORDER,
  type ModuleKind,
  NO_LIMIT,
  type Platform,
  storeKycClaim,
  type Token,
  VOLUME_WINDOW,
} from '@keel/testing';

const TREX_ROOT = join(
  dirname(require.resolve('@tokenysolutions/t-rex')),
  'artifacts',
  'contracts',
);
const OID_ROOT = join(dirname(require.resolve('@onchain-id/solidity')), 'artifacts', 'contracts');

/** A Hardhat artifact: `<root>/<dir>/<Name>.sol/<Name>.json`. */
function load(root: string, dir: string, name: string): Artifact {
  const file = join(root, dir, `${name}.sol`, `${name}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { abi: Abi; bytecode: Hex };
  return { abi: json.abi, bytecode: json.bytecode };
}

const T = {
  token: load(TREX_ROOT, 'token', 'Token'),
  ctr: load(TREX_ROOT, 'registry/implementation', 'ClaimTopicsRegistry'),
  tir: load(TREX_ROOT, 'registry/implementation', 'TrustedIssuersRegistry'),
  irs: load(TREX_ROOT, 'registry/implementation', 'IdentityRegistryStorage'),
  ir: load(TREX_ROOT, 'registry/implementation', 'IdentityRegistry'),
  mc: load(TREX_ROOT, 'compliance/modular', 'ModularCompliance'),
  authority: load(TREX_ROOT, 'proxy/authority', 'TREXImplementationAuthority'),
  factory: load(TREX_ROOT, 'factory', 'TREXFactory'),
  irsProxy: load(TREX_ROOT, 'proxy', 'IdentityRegistryStorageProxy'),
  moduleProxy: load(TREX_ROOT, 'compliance/modular/modules', 'ModuleProxy'),
};
const O = {
  identity: load(OID_ROOT, '', 'Identity'),
  authority: load(OID_ROOT, 'proxy', 'ImplementationAuthority'),
  factory: load(OID_ROOT, 'factory', 'IdFactory'),
  claimIssuer: load(OID_ROOT, '', 'ClaimIssuer'),
};
const MODULES = Object.fromEntries(
  MODULE_ORDER.map((k) => [k, load(TREX_ROOT, 'compliance/modular/modules', MODULE_NAMES[k].trex)]),
) as Record<ModuleKind, Artifact>;

/** The module's configuration call, passed to deployTREXSuite's complianceSettings. */
function moduleSettings(kind: ModuleKind, holders: readonly Address[]): Hex {
  const abi = MODULES[kind].abi;
  switch (kind) {
    case 'countryAllow':
      return encodeFunctionData({ abi, functionName: 'addAllowedCountry', args: [COUNTRY] });
    case 'maxBalance':
      return encodeFunctionData({ abi, functionName: 'setMaxBalance', args: [NO_LIMIT] });
    case 'transferVolume':
      return encodeFunctionData({
        abi,
        functionName: 'setTimeTransferLimit',
        args: [{ limitTime: VOLUME_WINDOW, limitValue: NO_LIMIT }],
      });
    case 'supplyLimit':
      return encodeFunctionData({ abi, functionName: 'setSupplyLimit', args: [NO_LIMIT] });
    case 'addressAllow':
      return encodeFunctionData({ abi, functionName: 'batchAllowUsers', args: [holders] });
  }
}

const keyOf = (a: Address): Hex =>
  keccak256(encodeAbiParameters(parseAbiParameters('address'), [a]));

export async function deployTrex(chain: BenchChain, actors: Actors): Promise<Platform> {
  const { admin, claimSigner, alice, bob, carol } = actors;
  chain.knowAbis(
    T.token.abi,
    T.ir.abi,
    T.irs.abi,
    T.ctr.abi,
    T.tir.abi,
    T.mc.abi,
    T.authority.abi,
    T.factory.abi,
    O.identity.abi,
    O.claimIssuer.abi,
    O.authority.abi,
    O.factory.abi,
    ...Object.values(MODULES).map((m) => m.abi),
  );
  const deploy = labelledDeployer(chain, admin, 'T-REX');

  // Implementations and the implementation authority (version 4.0.0 as in T-REX's fixture).
  const contracts = {
    tokenImplementation: await deploy(T.token, [], 'Token(impl)'),
    ctrImplementation: await deploy(T.ctr, [], 'ClaimTopicsRegistry(impl)'),
    irImplementation: await deploy(T.ir, [], 'IdentityRegistry(impl)'),
    irsImplementation: await deploy(T.irs, [], 'IdentityRegistryStorage(impl)'),
    tirImplementation: await deploy(T.tir, [], 'TrustedIssuersRegistry(impl)'),
    mcImplementation: await deploy(T.mc, [], 'ModularCompliance(impl)'),
  };
  const authority = await deploy(
    T.authority,
    [true, zeroAddress, zeroAddress],
    'TREXImplementationAuthority',
  );
  await chain.send(admin, authority, T.authority.abi, 'addAndUseTREXVersion', [
    { major: 4, minor: 0, patch: 0 },
    contracts,
  ]);

  // OnchainID: identity implementation, its authority, the IdFactory; then the TREX factory.
  const identityImpl = await deploy(O.identity, [admin.address, true], 'Identity(impl)');
  const identityAuthority = await deploy(
    O.authority,
    [identityImpl],
    'ImplementationAuthority(identity)',
  );
  const idFactory = await deploy(O.factory, [identityAuthority], 'IdFactory');
  const factory = await deploy(T.factory, [authority, idFactory], 'TREXFactory');
  await chain.send(admin, idFactory, O.factory.abi, 'addTokenFactory', [factory]);

  // A KYC claim issuer whose CLAIM key (purpose 3, ECDSA) is the signing key.
  const issuer = await deploy(O.claimIssuer, [admin.address], 'ClaimIssuer');
  await chain.send(admin, issuer, O.claimIssuer.abi, 'addKey', [
    keyOf(claimSigner.address),
    3n,
    1n,
  ]);

  // Modules: implementation + ModuleProxy each, shared by every compliance.
  const modules = {} as Record<ModuleKind, Address>;
  for (const kind of MODULE_ORDER) {
    const implementation = await deploy(MODULES[kind], [], `${MODULE_NAMES[kind].trex}(impl)`);
    const init = encodeFunctionData({ abi: MODULES[kind].abi, functionName: 'initialize' });
    modules[kind] = await deploy(T.moduleProxy, [implementation, init], MODULE_NAMES[kind].trex);
  }
  const holders = [alice.address, bob.address, carol.address];

  // Investor identities (IdentityProxy through the IdFactory, 1 management key) with a KYC
  // claim each, added by the investor.
  const identityGas: bigint[] = [];
  const identities: Address[] = [];
  for (const holder of [alice, bob, carol]) {
    const r = await chain.send(admin, idFactory, O.factory.abi, 'createIdentity', [
      holder.address,
      `investor-${holder.address}`,
    ]);
    identityGas.push(r.gasUsed);
    const id = (await chain.read(idFactory, O.factory.abi, 'getIdentity', [
      holder.address,
    ])) as Address;
    chain.label(
      id,
      `T-REX:identity(${holder === alice ? 'alice' : holder === bob ? 'bob' : 'carol'})`,
    );
    await addClaim(chain, holder, id, issuer, claimSigner);
    identities.push(id);
  }

  let salt = 0;
  const deploySuite = async (
    label: string,
    kinds: readonly ModuleKind[],
    irs: Address = zeroAddress,
  ): Promise<{ token: Address; ir: Address; mc: Address; gas: bigint }> => {
    const receipt = await chain.send(admin, factory, T.factory.abi, 'deployTREXSuite', [
      `keel-bench-${salt++}`,
      {
        owner: admin.address,
        name: `T-REX ${label}`,
        symbol: 'TBENCH',
        decimals: 18,
        irs,
        ONCHAINID: zeroAddress,
        irAgents: [admin.address],
        tokenAgents: [admin.address],
        complianceModules: kinds.map((k) => modules[k]),
        complianceSettings: kinds.map((k) => moduleSettings(k, holders)),
      },
      { claimTopics: [KYC_TOPIC], issuers: [issuer], issuerClaims: [[KYC_TOPIC]] },
    ]);
    const [deployed] = parseEventLogs({
      abi: T.factory.abi,
      eventName: 'TREXSuiteDeployed',
      logs: receipt.logs,
    });
    const args = deployed?.args as
      Record<'_token' | '_ir' | '_irs' | '_tir' | '_ctr' | '_mc', Address> | undefined;
    if (!args) throw new Error('deployTREXSuite emitted no TREXSuiteDeployed');
    chain.label(args._token, `T-REX:Token(${label})`);
    chain.label(args._ir, `T-REX:IdentityRegistry(${label})`);
    chain.label(args._irs, `T-REX:IdentityRegistryStorage(${label})`);
    chain.label(args._tir, `T-REX:TrustedIssuersRegistry(${label})`);
    chain.label(args._ctr, `T-REX:ClaimTopicsRegistry(${label})`);
    chain.label(args._mc, `T-REX:ModularCompliance(${label})`);
    return { token: args._token, ir: args._ir, mc: args._mc, gas: receipt.gasUsed };
  };

  const firstSuite = await deploySuite('deployment 1', []);
  const laterSuite = await deploySuite('deployment 2', []);
  // Variant closer to Keel's shared storage: an existing storage owned by the factory.
  const sharedIrs = await deploy(T.irsProxy, [authority], 'IdentityRegistryStorage(shared)');
  await chain.send(admin, sharedIrs, T.irs.abi, 'transferOwnership', [factory]);
  const sharedSuite = await deploySuite('deployment shared storage', [], sharedIrs);

  return {
    name: 'T-REX',
    assetDeployment: {
      first: firstSuite.gas,
      later: laterSuite.gas,
      note: `TREXFactory.deployTREXSuite: token, identity registry, identity registry storage, trusted issuers, claim topics and modular compliance proxies (TREXImplementationAuthority), token ONCHAINID (IdentityProxy via IdFactory), 1 topic + 1 trusted issuer; with an existing shared storage instead of a new one: ${sharedSuite.gas.toLocaleString('en-US')}`,
    },
    identityDeployment: {
      gas: identityGas[identityGas.length - 1] ?? 0n,
      note: 'OnchainID IdFactory.createIdentity(wallet, salt): IdentityProxy at a CREATE2 address, 1 management key',
    },
    async createToken(label: string, kinds: readonly ModuleKind[]): Promise<Token> {
      const suite = await deploySuite(label, kinds);
      await chain.send(admin, suite.ir, T.ir.abi, 'batchRegisterIdentity', [
        holders,
        identities,
        holders.map(() => COUNTRY),
      ]);
      await chain.send(admin, suite.token, T.token.abi, 'mint', [alice.address, INITIAL_BALANCE]);
      await chain.send(admin, suite.token, T.token.abi, 'mint', [bob.address, INITIAL_BALANCE]);
      await chain.send(admin, suite.token, T.token.abi, 'unpause');
      const bound = (await chain.read(suite.mc, T.mc.abi, 'getModules')) as readonly Address[];
      return { address: suite.token, boundModules: bound.length };
    },
  };
}

/** OnchainID claim: the signing key signs keccak256(abi.encode(identity, topic, data)) (EIP-191). */
async function addClaim(
  chain: BenchChain,
  holder: PrivateKeyAccount,
  identity: Address,
  issuer: Address,
  signer: PrivateKeyAccount,
): Promise<void> {
  const hash = keccak256(
    encodeAbiParameters(parseAbiParameters('address, uint256, bytes'), [
      identity,
      KYC_TOPIC,
      CLAIM_DATA,
    ]),
  );
  const signature = await signer.signMessage({ message: { raw: hash } });
  await storeKycClaim(chain, holder, identity, O.identity.abi, issuer, signature);
}
