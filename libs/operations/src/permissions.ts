import type { OperationType } from './operation-types';

/**
 * Platform roles an API key (or, later, a user) holds inside its organization.
 * They gate what may be *requested*; the token's on-chain roles stay
 * authoritative for the chain write itself.
 */
export const platformRoles = [
  'admin',
  'supply-manager',
  'transfer-agent',
  'custodian',
  'emergency',
  'governance',
  'viewer',
  /** Creates assets (asset.create). */
  'issuer',
  /** Onboards investors: identities and their claims. */
  'identity-manager',
  /** Trusted issuers and required claim topics. */
  'claim-policy-manager',
  /** Funds wallets with gas (wallet.fund) from the organization's gas wallet. */
  'gas-manager',
] as const;
export type PlatformRole = (typeof platformRoles)[number];

export const apiKeyScopes = ['read', 'read-write'] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** The platform role each operation type requires (`admin` may request everything). */
export const requiredRoleOf: Record<OperationType, PlatformRole> = {
  'token.mint': 'supply-manager',
  'token.burn': 'supply-manager',
  'token.transfer': 'transfer-agent',
  'token.transferFrom': 'transfer-agent',
  'token.batchTransfer': 'transfer-agent',
  'token.forcedTransfer': 'custodian',
  'token.freeze': 'custodian',
  'token.freezePartial': 'custodian',
  'token.recover': 'custodian',
  'token.pause': 'emergency',
  'token.unpause': 'emergency',
  // On chain a token's roles are administered by DEFAULT_ADMIN_ROLE (AccessControl), not by
  // its governance role: the request-level rule follows that authority, so role changes are
  // requested by an `admin` key; the chain stays authoritative (a signer without
  // DEFAULT_ADMIN_ROLE is refused by the contract, and the simulation reports it).
  'role.grant': 'admin',
  'role.revoke': 'admin',
  'system.bootstrap': 'admin',
  'identity.create': 'identity-manager',
  'identity.update': 'identity-manager',
  'identity.remove': 'identity-manager',
  'claim.issue': 'identity-manager',
  'claim.revoke': 'identity-manager',
  'issuer.trust': 'claim-policy-manager',
  'issuer.untrust': 'claim-policy-manager',
  'claimTopic.add': 'claim-policy-manager',
  'claimTopic.remove': 'claim-policy-manager',
  'asset.create': 'issuer',
  'wallet.fund': 'gas-manager',
  // Airdrops are the issuer's business; a claim is the recipient's own act, signed by its wallet.
  'airdrop.create': 'issuer',
  'airdrop.fund': 'issuer',
  'airdrop.distribute': 'issuer',
  'airdrop.withdraw': 'issuer',
  'airdrop.claim': 'transfer-agent',
};

export type PrincipalKind = 'api-key' | 'session';

export interface Principal {
  /** How the caller authenticated: an API key, or a user's session (bearer token). */
  readonly kind: PrincipalKind;
  readonly organizationId: string;
  /** Stable id of who acts: `apikey:<id>` or `user:<id>` (e.g. to tell approvers apart). */
  readonly subjectId: string;
  /** The API key, for `kind: 'api-key'`. */
  readonly apiKeyId?: string;
  /** The user, for `kind: 'session'`. */
  readonly userId?: string;
  readonly scope: ApiKeyScope;
  readonly roles: readonly PlatformRole[];
  /** Assets the key may act on; empty means every asset of the organization. */
  readonly assets: readonly string[];
}

export type AuthorizationDecision =
  | { allowed: true }
  | {
      allowed: false;
      reason: 'read-only-key' | 'missing-role' | 'asset-not-allowed';
      requiredRole: PlatformRole;
    };

/**
 * Whether a principal may request an operation of this type on this asset. An
 * operation on no asset (system, identity, issuance) is refused to a key limited
 * to some assets.
 */
export function authorizeOperation(
  principal: Principal,
  type: OperationType,
  asset: string | undefined,
): AuthorizationDecision {
  const requiredRole = requiredRoleOf[type];
  if (principal.scope !== 'read-write')
    return { allowed: false, reason: 'read-only-key', requiredRole };
  if (!principal.roles.includes('admin') && !principal.roles.includes(requiredRole)) {
    return { allowed: false, reason: 'missing-role', requiredRole };
  }
  if (
    principal.assets.length > 0 &&
    (asset === undefined || !principal.assets.some((a) => a.toLowerCase() === asset.toLowerCase()))
  ) {
    return { allowed: false, reason: 'asset-not-allowed', requiredRole };
  }
  return { allowed: true };
}
