import type { UnsignedTransaction } from '@keel/chain';
import type { Address } from 'viem';

/** What the custodian policy sees of a signing request (decoded, never key material). */
export interface CustodyPolicyRequest {
  readonly organizationId: string;
  readonly wallet: Address;
  readonly operationId: string;
  readonly requestId: string;
  readonly transaction: UnsignedTransaction;
}

export type PolicyDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny'; readonly rule: string; readonly reason: string }
  /** Held for approval (quorum); the operation waits in PENDING_APPROVAL. */
  | { readonly kind: 'hold'; readonly approvalId: string; readonly reason: string };

/**
 * The custodian policy step for local keys, evaluated before every
 * signature. Issue 7 replaces the implementation (amount and rolling limits,
 * allowlists, time windows, M-of-N approval); the signing use case already
 * handles every decision kind.
 */
export interface CustodyPolicy {
  evaluate(request: CustodyPolicyRequest): Promise<PolicyDecision>;
}

export const CUSTODY_POLICY = Symbol('CUSTODY_POLICY');

/** Today's policy: every request passes. */
export class AllowAllPolicy implements CustodyPolicy {
  async evaluate(): Promise<PolicyDecision> {
    return { kind: 'allow' };
  }
}
