import type { Hex } from 'viem';
import type { EntityManager } from 'typeorm';

export interface SigningRequestRecord {
  readonly requestId: string;
  readonly organizationId: string;
  readonly operationId: string;
  readonly signer: string;
  readonly signingHash: Hex;
  readonly outcome: 'signed' | 'refused' | 'pending-approval';
  readonly signature: Hex | null;
  readonly errorCode: string | null;
  readonly approvalId: string | null;
  /** See `callDigestOf`: the call without its fees. */
  readonly callDigest?: string | null;
}

interface Row {
  request_id: string;
  organization_id: string;
  operation_id: string;
  signer: string;
  signing_hash: string;
  outcome: 'signed' | 'refused' | 'pending-approval';
  signature: string | null;
  error_code: string | null;
  approval_id: string | null;
}

/**
 * Every signing request and its outcome, keyed by request id: a request id is
 * signed at most once, so a replay gets the same signature and a different
 * payload under a known request id is refused.
 */
export class SigningRequestRepository {
  async find(manager: EntityManager, requestId: string): Promise<SigningRequestRecord | null> {
    const rows = await manager.query<Row[]>(
      `SELECT * FROM kg_signing_request WHERE request_id = $1 FOR UPDATE`,
      [requestId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      requestId: r.request_id,
      organizationId: r.organization_id,
      operationId: r.operation_id,
      signer: r.signer,
      signingHash: r.signing_hash as Hex,
      outcome: r.outcome,
      signature: r.signature as Hex | null,
      errorCode: r.error_code,
      approvalId: r.approval_id,
    };
  }

  async insert(manager: EntityManager, record: SigningRequestRecord): Promise<void> {
    await manager.query(
      `INSERT INTO kg_signing_request (request_id, organization_id, operation_id, signer, signing_hash, outcome, signature, error_code, approval_id, call_digest)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`,
      [
        record.requestId,
        record.organizationId,
        record.operationId,
        record.signer,
        record.signingHash,
        record.outcome,
        record.signature,
        record.errorCode,
        record.approvalId,
        record.callDigest ?? null,
      ],
    );
  }

  /** A held request is settled: signed after the quorum, or refused (rejection, timeout). */
  async settle(
    manager: EntityManager,
    requestId: string,
    outcome: { signature: Hex } | { errorCode: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE kg_signing_request SET outcome = $2, signature = $3, error_code = $4 WHERE request_id = $1`,
      [
        requestId,
        'signature' in outcome ? 'signed' : 'refused',
        'signature' in outcome ? outcome.signature : null,
        'errorCode' in outcome ? outcome.errorCode : null,
      ],
    );
  }

  /** Whether this wallet already got a signature for the same call (a re-pricing changes fees only). */
  async signedCallExists(
    manager: EntityManager,
    organizationId: string,
    signer: string,
    callDigest: string,
  ): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM kg_signing_request WHERE organization_id = $1 AND lower(signer) = lower($2)
         AND call_digest = $3 AND outcome = 'signed' LIMIT 1`,
      [organizationId, signer, callDigest],
    );
    return rows.length > 0;
  }
}
