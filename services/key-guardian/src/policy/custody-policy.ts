import { randomUUID } from 'node:crypto';
import type { UnsignedTransaction } from '@keel/chain';
import type { Address, Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { ApprovalRepository } from '../approvals/approval.repository';
import type { SigningRequestRepository } from '../keystore/signing-request.repository';
import { callDigestOf, type DecodedCall, decodeCall, totalsByAsset } from './decode-call';
import { evaluateRules } from './evaluate-rules';
import type { PolicyRepository } from './policy.repository';

/** What the custodian policy sees of a signing request (decoded, never key material). */
export interface CustodyPolicyRequest {
  readonly organizationId: string;
  readonly wallet: Address;
  readonly operationId: string;
  readonly requestId: string;
  readonly chainId: number;
  readonly unsignedTransaction: Hex;
  readonly signingHash: Hex;
  readonly transaction: UnsignedTransaction;
}

export type PolicyDecision =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny'; readonly rule: string; readonly reason: string }
  /** Held for approval (quorum); the operation waits in PENDING_APPROVAL. */
  | { readonly kind: 'hold'; readonly approvalId: string; readonly reason: string };

/**
 * The custodian policy step for local keys, evaluated before every signature,
 * inside the transaction that records the signing request (so a spend
 * reservation or an approval commits with it, or not at all).
 */
export interface CustodyPolicy {
  evaluate(request: CustodyPolicyRequest, manager: EntityManager): Promise<PolicyDecision>;
  /** The request will not be signed after all: its reserved spend stops counting. */
  release?(requestId: string, manager: EntityManager): Promise<void>;
}

export const CUSTODY_POLICY = Symbol('CUSTODY_POLICY');

/** The decoded summary an approver sees and approves (with the signing hash). */
export function summarize(
  call: DecodedCall,
  tx: UnsignedTransaction,
  signingHash: Hex,
): Record<string, unknown> {
  const totals = totalsByAsset(call.movements);
  const destinations = [...new Set(call.movements.map((m) => m.to).filter((x) => x !== null))];
  const [asset] = totals.keys();
  return {
    function: call.function,
    contract: call.target,
    asset: asset ?? null,
    amount: asset !== undefined ? totals.get(asset)!.toString() : null,
    destination: destinations.length === 1 ? destinations[0] : null,
    destinations,
    movements: call.movements.map((m) => ({
      asset: m.asset,
      to: m.to,
      amount: m.amount.toString(),
    })),
    chainId: tx.chainId,
    nonce: tx.nonce,
    value: tx.value.toString(),
    signingHash,
  };
}

/**
 * The wallet's policy (amount and rolling limits, destination allowlist,
 * time windows, quorum) against the decoded call. Spend is reserved under a
 * per-asset row lock, so N concurrent requests against a limit that allows
 * K pass exactly K; a hold creates the approval with its durable deadline.
 * A wallet without a policy signs freely.
 */
export class WalletCustodyPolicy implements CustodyPolicy {
  constructor(
    private readonly policies: PolicyRepository,
    private readonly approvals: ApprovalRepository,
    private readonly requests: SigningRequestRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async evaluate(request: CustodyPolicyRequest, manager: EntityManager): Promise<PolicyDecision> {
    const stored = await this.policies.find(manager, request.organizationId, request.wallet);
    if (!stored) return { kind: 'allow' };
    // A re-priced replacement (same call, new fees) of what was already allowed or approved.
    if (
      await this.requests.signedCallExists(
        manager,
        request.organizationId,
        request.wallet,
        callDigestOf(request.transaction),
      )
    )
      return { kind: 'allow' };
    const policy = stored.policy;
    const call = decodeCall(request.transaction);
    const totals = totalsByAsset(call.movements);
    // Spend is tracked for the assets a rolling limit watches (from the moment it is set).
    const watched = new Map(
      [...totals].filter(([asset]) => policy.rollingLimits.some((l) => l.asset === asset)),
    );
    if (watched.size > 0)
      await this.policies.lockSpend(manager, request.organizationId, request.wallet, [
        ...watched.keys(),
      ]);
    const rollingSpent: bigint[] = [];
    for (const limit of policy.rollingLimits) {
      rollingSpent.push(
        totals.has(limit.asset)
          ? await this.policies.spentWithin(
              manager,
              request.organizationId,
              request.wallet,
              limit.asset,
              limit.windowSeconds,
            )
          : 0n,
      );
    }
    const verdict = evaluateRules(policy, call, this.clock(), rollingSpent);
    if (verdict.kind === 'deny')
      return { kind: 'deny', rule: verdict.breach.rule, reason: verdict.breach.reason };
    await this.policies.reserve(
      manager,
      request.organizationId,
      request.wallet,
      request.requestId,
      watched,
    );
    if (verdict.kind === 'allow') return { kind: 'allow' };
    const quorum = policy.quorum!;
    const summary = summarize(call, request.transaction, request.signingHash);
    const reasons = verdict.breaches.map((b) => ({ rule: b.rule, reason: b.reason }));
    const approval = await this.approvals.insert(manager, {
      id: randomUUID(),
      organizationId: request.organizationId,
      wallet: request.wallet.toLowerCase(),
      requestId: request.requestId,
      operationId: request.operationId,
      chainId: request.chainId,
      unsignedTransaction: request.unsignedTransaction,
      signingHash: request.signingHash,
      summary,
      reasons,
      approvers: quorum.approvers,
      required: quorum.required,
      timeoutSeconds: quorum.timeoutSeconds,
    });
    await this.approvals.audit(manager, approval, 'held', 'key-guardian', {
      operationId: request.operationId,
      signingHash: request.signingHash,
      summary,
      reasons,
      approvers: quorum.approvers,
      required: quorum.required,
      deadline: approval.deadline.toISOString(),
    });
    return {
      kind: 'hold',
      approvalId: approval.id,
      reason: reasons.map((r) => r.reason).join('; '),
    };
  }

  async release(requestId: string, manager: EntityManager): Promise<void> {
    await this.policies.release(manager, requestId);
  }
}

/** Signs everything: for tests that exercise the signing path without a policy store. */
export class AllowAllPolicy implements CustodyPolicy {
  async evaluate(): Promise<PolicyDecision> {
    return { kind: 'allow' };
  }
}
