import type { PayloadOf } from '@keel/events';
import { decodeEventLog, type Hex, parseAbi } from 'viem';

/** One block of a chain's log stream: the `keel.chain.logs.v1` payload, whatever the source. */
export type BlockLogs = PayloadOf<'keel.chain.logs.v1'>;
export type ChainLog = BlockLogs['logs'][number];

/**
 * The events the read models are built from (ERC-20, ERC-3643 token, identity
 * registry storage, ERC-735 claims, compliance modules, AccessControl and
 * AccessManager roles, trusted issuers and the identity factory's claim
 * issuers), decoded by their signatures so any contract emitting
 * them is understood. Identities come from the storage's events only: the
 * registries bound to a storage emit the same facts again (IdentityRegistered,
 * CountryUpdated, …), and the storage is the record they all share.
 */
export const indexedEventsAbi = parseAbi([
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'event UpdatedTokenInformation(string newName, string newSymbol, uint8 newDecimals, string newVersion, address newOnchainID)',
  'event IdentityRegistryAdded(address indexed identityRegistry)',
  'event ComplianceAdded(address indexed compliance)',
  'event AddressFrozen(address indexed userAddress, bool indexed isFrozen, address indexed owner)',
  'event TokensFrozen(address indexed userAddress, uint256 amount)',
  'event TokensUnfrozen(address indexed userAddress, uint256 amount)',
  'event Paused(address userAddress)',
  'event Unpaused(address userAddress)',
  'event IsinUpdated(string isin)',
  'event MetadataUpdated(bytes32 indexed key, string value)',
  'event ModuleAdded(address indexed module)',
  'event ModuleRemoved(address indexed module)',
  'event IdentityStored(address indexed investorAddress, address indexed identity)',
  'event IdentityUnstored(address indexed investorAddress, address indexed identity)',
  'event CountryModified(address indexed investorAddress, uint16 indexed country)',
  'event IdentityModified(address indexed oldIdentity, address indexed newIdentity)',
  'event ClaimAdded(bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri)',
  'event ClaimChanged(bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri)',
  'event ClaimRemoved(bytes32 indexed claimId, uint256 indexed topic, uint256 scheme, address indexed issuer, bytes signature, bytes data, string uri)',
  'event TrustedIssuerAdded(address indexed trustedIssuer, uint256[] claimTopics)',
  'event ClaimTopicsUpdated(address indexed trustedIssuer, uint256[] claimTopics)',
  'event TrustedIssuerRemoved(address indexed trustedIssuer)',
  'event IdentityCreated(address indexed identity, address indexed owner, bytes32 indexed kind)',
  'event RoleGranted(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleRevoked(bytes32 indexed role, address indexed account, address indexed sender)',
  'event RoleGranted(uint64 indexed roleId, address indexed account, uint32 delay, uint48 since, bool newMember)',
  'event RoleRevoked(uint64 indexed roleId, address indexed account)',
]);

type Addr = `0x${string}`;

/** A decoded log the indexer acts on; addresses lower-cased. */
export type ChainEvent =
  | { kind: 'transfer'; from: Addr; to: Addr; value: bigint }
  | {
      kind: 'token-information';
      name: string;
      symbol: string;
      decimals: number;
      version: string;
      onchainId: Addr;
    }
  | { kind: 'identity-registry-set'; identityRegistry: Addr }
  | { kind: 'compliance-set'; compliance: Addr }
  | { kind: 'address-frozen'; wallet: Addr; frozen: boolean }
  | { kind: 'tokens-frozen'; wallet: Addr; amount: bigint }
  | { kind: 'tokens-unfrozen'; wallet: Addr; amount: bigint }
  | { kind: 'paused'; paused: boolean }
  | { kind: 'isin'; isin: string }
  | { kind: 'metadata'; key: Hex; value: string }
  | { kind: 'module-added'; module: Addr }
  | { kind: 'module-removed'; module: Addr }
  | { kind: 'identity-registered'; wallet: Addr; identity: Addr }
  | { kind: 'identity-removed'; wallet: Addr }
  | { kind: 'identity-modified'; oldIdentity: Addr; newIdentity: Addr }
  | { kind: 'country'; wallet: Addr; country: number }
  | {
      kind: 'claim-set';
      claimId: Hex;
      topic: bigint;
      scheme: bigint;
      issuer: Addr;
      data: Hex;
      uri: string;
    }
  | { kind: 'claim-removed'; claimId: Hex }
  | { kind: 'trusted-issuer-set'; issuer: Addr; topics: bigint[] }
  | { kind: 'trusted-issuer-removed'; issuer: Addr }
  | { kind: 'identity-created'; identity: Addr; owner: Addr; identityKind: Hex }
  | { kind: 'role-granted'; role: string; account: Addr }
  | { kind: 'role-revoked'; role: string; account: Addr };

const lc = (a: string): Addr => a.toLowerCase() as Addr;

/** Decodes one log; `undefined` for logs the read models do not use (or that do not decode). */
export function decodeChainEvent(log: Pick<ChainLog, 'topics' | 'data'>): ChainEvent | undefined {
  const [signature, ...rest] = log.topics;
  if (!signature) return undefined;
  let decoded;
  try {
    decoded = decodeEventLog({
      abi: indexedEventsAbi,
      topics: [signature as Hex, ...(rest as Hex[])],
      data: log.data as Hex,
      strict: true,
    });
  } catch {
    // Same signature with another indexing (e.g. ERC-721 Transfer) or an unknown event.
    return undefined;
  }
  switch (decoded.eventName) {
    case 'Transfer':
      return {
        kind: 'transfer',
        from: lc(decoded.args.from),
        to: lc(decoded.args.to),
        value: decoded.args.value,
      };
    case 'UpdatedTokenInformation':
      return {
        kind: 'token-information',
        name: decoded.args.newName,
        symbol: decoded.args.newSymbol,
        decimals: decoded.args.newDecimals,
        version: decoded.args.newVersion,
        onchainId: lc(decoded.args.newOnchainID),
      };
    case 'IdentityRegistryAdded':
      return { kind: 'identity-registry-set', identityRegistry: lc(decoded.args.identityRegistry) };
    case 'ComplianceAdded':
      return { kind: 'compliance-set', compliance: lc(decoded.args.compliance) };
    case 'AddressFrozen':
      return {
        kind: 'address-frozen',
        wallet: lc(decoded.args.userAddress),
        frozen: decoded.args.isFrozen,
      };
    case 'TokensFrozen':
      return {
        kind: 'tokens-frozen',
        wallet: lc(decoded.args.userAddress),
        amount: decoded.args.amount,
      };
    case 'TokensUnfrozen':
      return {
        kind: 'tokens-unfrozen',
        wallet: lc(decoded.args.userAddress),
        amount: decoded.args.amount,
      };
    case 'Paused':
      return { kind: 'paused', paused: true };
    case 'Unpaused':
      return { kind: 'paused', paused: false };
    case 'IsinUpdated':
      return { kind: 'isin', isin: decoded.args.isin };
    case 'MetadataUpdated':
      return { kind: 'metadata', key: decoded.args.key, value: decoded.args.value };
    case 'ModuleAdded':
      return { kind: 'module-added', module: lc(decoded.args.module) };
    case 'ModuleRemoved':
      return { kind: 'module-removed', module: lc(decoded.args.module) };
    case 'IdentityStored':
      return {
        kind: 'identity-registered',
        wallet: lc(decoded.args.investorAddress),
        identity: lc(decoded.args.identity),
      };
    case 'IdentityUnstored':
      return { kind: 'identity-removed', wallet: lc(decoded.args.investorAddress) };
    case 'IdentityModified':
      return {
        kind: 'identity-modified',
        oldIdentity: lc(decoded.args.oldIdentity),
        newIdentity: lc(decoded.args.newIdentity),
      };
    case 'CountryModified':
      return {
        kind: 'country',
        wallet: lc(decoded.args.investorAddress),
        country: decoded.args.country,
      };
    case 'ClaimAdded':
    case 'ClaimChanged':
      return {
        kind: 'claim-set',
        claimId: decoded.args.claimId,
        topic: decoded.args.topic,
        scheme: decoded.args.scheme,
        issuer: lc(decoded.args.issuer),
        data: decoded.args.data,
        uri: decoded.args.uri,
      };
    case 'ClaimRemoved':
      return { kind: 'claim-removed', claimId: decoded.args.claimId };
    case 'TrustedIssuerAdded':
    case 'ClaimTopicsUpdated':
      return {
        kind: 'trusted-issuer-set',
        issuer: lc(decoded.args.trustedIssuer),
        topics: [...decoded.args.claimTopics],
      };
    case 'TrustedIssuerRemoved':
      return { kind: 'trusted-issuer-removed', issuer: lc(decoded.args.trustedIssuer) };
    case 'IdentityCreated':
      return {
        kind: 'identity-created',
        identity: lc(decoded.args.identity),
        owner: lc(decoded.args.owner),
        identityKind: decoded.args.kind,
      };
    case 'RoleGranted':
      return 'role' in decoded.args
        ? { kind: 'role-granted', role: decoded.args.role, account: lc(decoded.args.account) }
        : {
            kind: 'role-granted',
            role: decoded.args.roleId.toString(),
            account: lc(decoded.args.account),
          };
    case 'RoleRevoked':
      return 'role' in decoded.args
        ? { kind: 'role-revoked', role: decoded.args.role, account: lc(decoded.args.account) }
        : {
            kind: 'role-revoked',
            role: decoded.args.roleId.toString(),
            account: lc(decoded.args.account),
          };
  }
}

/**
 * Chain state the logs do not carry: the identity storage emits no country when
 * an identity is stored. Read at the block's hash (EIP-1898), so a reorg cannot
 * mix branches. Optional: without RPC upstreams the country stays unknown until
 * a CountryModified event.
 */
export interface ChainStateReader {
  storedInvestorCountry(
    chainId: number,
    storage: `0x${string}`,
    wallet: `0x${string}`,
    blockHash: `0x${string}`,
  ): Promise<number | null>;
}

/** Logs of a block in the order they were emitted. */
export function inLogOrder(logs: readonly ChainLog[]): ChainLog[] {
  return [...logs].sort((a, b) => a.logIndex - b.logIndex);
}
