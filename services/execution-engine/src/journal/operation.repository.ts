import { Inject, Injectable } from '@nestjs/common';
import type { OperationStatus } from '@keel/events';
import { minBlockOf, type OperationListQuery, type OperationView } from '@keel/operations';
import { closeWith, inlineStatement } from '@keel/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '../tokens';

export interface OperationError {
  code: string;
  message: string;
  module?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

export interface OperationRecord {
  id: string;
  organizationId: string;
  type: string;
  params: Record<string, unknown>;
  signer: string | null;
  submittedBy: { kind: string; id: string } | null;
  status: OperationStatus;
  subStatus: string | null;
  error: OperationError | null;
  sequence: number;
  complianceAttempts: number;
  /** Transactions of the plan; the operation completes with the last one. */
  stepCount: number;
  /** Index of the transaction under way. */
  currentStep: number;
  /** What the operation produced (addresses), shown once it completes. */
  result: Record<string, unknown> | null;
  /** What completing the operation records besides its result (see the planner). */
  completion: Record<string, unknown> | null;
}

/** What the compliance simulation checks for one transaction besides the exact call. */
export interface StepCompliance {
  kind: 'movement' | 'forced' | 'admin';
  transfer?: { from: string; to: string; amount: string };
  asset?: string;
}

export type TransactionStatus =
  'prepared' | 'signed' | 'broadcast' | 'mined' | 'reverted' | 'failed';

export interface TransactionRecord {
  operationId: string;
  index: number;
  chainId: number;
  from: string;
  to: string;
  data: string;
  value: string;
  gasLimit: string | null;
  nonce: string | null;
  hash: string | null;
  rawTransaction: string | null;
  status: TransactionStatus;
  blockNumber: string | null;
  confirmations: number;
  gasUsed: string | null;
  /** What this step does, e.g. `deploy KeelToken implementation`. */
  label?: string | null;
  compliance?: StepCompliance | null;
}

interface OperationRow {
  id: string;
  organization_id: string;
  type: string;
  params: Record<string, unknown>;
  signer: string | null;
  submitted_by: { kind: string; id: string } | null;
  status: OperationStatus;
  sub_status: string | null;
  error: OperationError | null;
  sequence: number;
  compliance_attempts: number;
  step_count: number;
  current_step: number;
  result: Record<string, unknown> | null;
  completion: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

interface TransactionRow {
  operation_id: string;
  tx_index: number;
  chain_id: number;
  from_address: string;
  to_address: string;
  data: string;
  value: string;
  gas_limit: string | null;
  nonce: string | null;
  hash: string | null;
  raw_transaction: string | null;
  status: TransactionStatus;
  block_number: string | null;
  confirmations: number;
  gas_used: string | null;
  label: string | null;
  compliance: StepCompliance | null;
}

function toOperation(r: OperationRow): OperationRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    type: r.type,
    params: r.params,
    signer: r.signer,
    submittedBy: r.submitted_by,
    status: r.status,
    subStatus: r.sub_status,
    error: r.error,
    sequence: r.sequence,
    complianceAttempts: r.compliance_attempts,
    stepCount: r.step_count,
    currentStep: r.current_step,
    result: r.result,
    completion: r.completion,
  };
}

function toTransaction(r: TransactionRow): TransactionRecord {
  return {
    operationId: r.operation_id,
    index: r.tx_index,
    chainId: r.chain_id,
    from: r.from_address,
    to: r.to_address,
    data: r.data,
    value: r.value,
    gasLimit: r.gas_limit,
    nonce: r.nonce,
    hash: r.hash,
    rawTransaction: r.raw_transaction,
    status: r.status,
    blockNumber: r.block_number,
    confirmations: r.confirmations,
    gasUsed: r.gas_used,
    label: r.label,
    compliance: r.compliance,
  };
}

/**
 * The only code touching the operation journal tables. Writes take the
 * EntityManager of the handler's transaction, so a state change, its history
 * row, its inbox row and its outbox events commit together.
 */
@Injectable()
export class OperationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async lock(m: EntityManager, id: string): Promise<OperationRecord | null> {
    const rows: OperationRow[] = await m.query(
      'SELECT * FROM operations WHERE id = $1 FOR UPDATE',
      [id],
    );
    return rows[0] ? toOperation(rows[0]) : null;
  }

  /**
   * Locks the operation and reads one of its steps in the same statement: every result
   * event (compliance, signature, receipt) needs both, and one round trip fewer per event
   * is one fewer socket write for the engine and one fewer wake-up for PostgreSQL.
   * All step columns are text, integer or jsonb, so `to_jsonb` returns them as the row
   * reader would.
   */
  async lockWithStep(
    m: EntityManager,
    at: { readonly operationId: string; readonly transactionIndex: number },
  ): Promise<{ op: OperationRecord; step: TransactionRecord | null } | null> {
    const rows: (OperationRow & { keel_step: TransactionRow | null })[] = await m.query(
      `SELECT o.*, to_jsonb(t) AS keel_step FROM operations o
       LEFT JOIN operation_transactions t ON t.operation_id = o.id AND t.tx_index = $2
       WHERE o.id = $1 FOR UPDATE OF o`,
      [at.operationId, at.transactionIndex],
    );
    const row = rows[0];
    if (!row) return null;
    return { op: toOperation(row), step: row.keel_step ? toTransaction(row.keel_step) : null };
  }

  /** Inserts the operation in RECEIVED (sequence 0); false when it already exists. */
  async insertReceived(
    m: EntityManager,
    op: Pick<
      OperationRecord,
      'id' | 'organizationId' | 'type' | 'params' | 'signer' | 'submittedBy'
    >,
  ): Promise<boolean> {
    // The operation and its first history row in one statement.
    const rows: unknown[] = await m.query(
      `WITH created AS (
         INSERT INTO operations (id, organization_id, type, params, signer, submitted_by, status, sequence)
         VALUES ($1, $2, $3, $4, $5, $6, 'RECEIVED', 0) ON CONFLICT (id) DO NOTHING RETURNING id
       ), history AS (
         INSERT INTO operation_history (operation_id, sequence, status) SELECT id, 0, 'RECEIVED' FROM created
       )
       SELECT id FROM created`,
      [
        op.id,
        op.organizationId,
        op.type,
        JSON.stringify(op.params),
        op.signer,
        JSON.stringify(op.submittedBy),
      ],
    );
    if (rows.length === 0) return false;
    return true;
  }

  /**
   * Stores the state and its history row, in one statement. In a transaction the statement
   * is deferred to the COMMIT's message (no round trip of its own; successive saves apply
   * in order): the operation row is locked from the start of the handler and nothing in
   * the handler reads it back.
   */
  async saveState(m: EntityManager, op: OperationRecord): Promise<void> {
    const text = `WITH saved AS (
         UPDATE operations SET status = $2, sub_status = $3, error = $4, sequence = $5, compliance_attempts = $6,
           signer = $7, step_count = $8, current_step = $9, result = $10, completion = $11, updated_at = now()
         WHERE id = $1 RETURNING id
       )
       INSERT INTO operation_history (operation_id, sequence, status, sub_status)
       SELECT id, $5::int, $2::text, $3::text FROM saved
       ON CONFLICT DO NOTHING`;
    const values = [
      op.id,
      op.status,
      op.subStatus,
      op.error ? JSON.stringify(op.error) : null,
      op.sequence,
      op.complianceAttempts,
      op.signer,
      op.stepCount,
      op.currentStep,
      op.result ? JSON.stringify(op.result) : null,
      op.completion ? JSON.stringify(op.completion) : null,
    ];
    const runner = m.queryRunner;
    if (runner?.isTransactionActive) closeWith(runner, inlineStatement(text, values));
    else await m.query(text, values);
  }

  async transactionOf(
    m: EntityManager,
    operationId: string,
    index: number,
  ): Promise<TransactionRecord | null> {
    const rows: TransactionRow[] = await m.query(
      'SELECT * FROM operation_transactions WHERE operation_id = $1 AND tx_index = $2',
      [operationId, index],
    );
    return rows[0] ? toTransaction(rows[0]) : null;
  }

  async saveTransaction(m: EntityManager, tx: TransactionRecord): Promise<void> {
    await m.query(
      `INSERT INTO operation_transactions (operation_id, tx_index, chain_id, from_address, to_address, data, value,
         gas_limit, nonce, hash, raw_transaction, status, block_number, confirmations, gas_used, label, compliance)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
       ON CONFLICT (operation_id, tx_index) DO UPDATE SET
         gas_limit = EXCLUDED.gas_limit, nonce = EXCLUDED.nonce, hash = EXCLUDED.hash,
         raw_transaction = EXCLUDED.raw_transaction, status = EXCLUDED.status, block_number = EXCLUDED.block_number,
         confirmations = EXCLUDED.confirmations, gas_used = EXCLUDED.gas_used`,
      [
        tx.operationId,
        tx.index,
        tx.chainId,
        tx.from,
        tx.to,
        tx.data,
        tx.value,
        tx.gasLimit,
        tx.nonce,
        tx.hash,
        tx.rawTransaction,
        tx.status,
        tx.blockNumber,
        tx.confirmations,
        tx.gasUsed,
        tx.label ?? null,
        tx.compliance ? JSON.stringify(tx.compliance) : null,
      ],
    );
  }

  // ---------------------------------------------------------------- reads

  async view(organizationId: string, id: string): Promise<OperationView | null> {
    const rows: OperationRow[] = await this.ds.query(
      'SELECT * FROM operations WHERE organization_id = $1 AND id = $2',
      [organizationId, id],
    );
    if (!rows[0]) return null;
    const [withDetails] = await this.attachDetails(rows);
    return withDetails ?? null;
  }

  async list(
    organizationId: string,
    q: OperationListQuery,
  ): Promise<{ items: OperationView[]; nextCursor: string | null }> {
    const where: string[] = ['organization_id = $1'];
    const args: unknown[] = [organizationId];
    const add = (sql: string, v: unknown) => {
      args.push(v);
      where.push(sql.replace('?', `$${args.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.type) add('type = ?', q.type);
    if (q.signer) add('lower(signer) = lower(?)', q.signer);
    if (q.cursor) add('id < ?', q.cursor);
    args.push(q.limit + 1);
    const rows: OperationRow[] = await this.ds.query(
      `SELECT * FROM operations WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${args.length}`,
      args,
    );
    const page = rows.slice(0, q.limit);
    const items = await this.attachDetails(page);
    return {
      items,
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  private async attachDetails(rows: OperationRow[]): Promise<OperationView[]> {
    const ids = rows.map((r) => r.id);
    const history: {
      operation_id: string;
      sequence: number;
      status: OperationStatus;
      sub_status: string | null;
      at: Date;
    }[] = await this.ds.query(
      'SELECT * FROM operation_history WHERE operation_id = ANY($1) ORDER BY operation_id, sequence',
      [ids],
    );
    const txs: TransactionRow[] = await this.ds.query(
      'SELECT * FROM operation_transactions WHERE operation_id = ANY($1) ORDER BY operation_id, tx_index',
      [ids],
    );
    return rows.map((r) => {
      const transactions = txs
        .filter((t) => t.operation_id === r.id)
        .map((t) => ({
          index: t.tx_index,
          ...(t.label ? { label: t.label } : {}),
          chainId: t.chain_id,
          from: t.from_address,
          to: t.to_address,
          nonce: t.nonce,
          hash: t.hash,
          status: t.status,
          blockNumber: t.block_number,
          confirmations: t.confirmations,
          gasUsed: t.gas_used,
        }));
      return {
        id: r.id,
        organizationId: r.organization_id,
        type: r.type,
        params: r.params,
        signer: r.signer,
        status: r.status,
        subStatus: r.sub_status,
        error: r.error,
        ...(r.result ? { result: r.result } : {}),
        ...(r.step_count > 1 ? { steps: { count: r.step_count, current: r.current_step } } : {}),
        transactions,
        minBlock: minBlockOf(transactions),
        history: history
          .filter((h) => h.operation_id === r.id)
          .map((h) => ({
            sequence: h.sequence,
            status: h.status,
            subStatus: h.sub_status,
            at: h.at.toISOString(),
          })),
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      };
    });
  }
}
