import type { Address, Hash, Hex } from 'viem';
import type { DataSource, EntityManager } from 'typeorm';

export type TrackedState = 'pending' | 'included' | 'confirmed' | 'final' | 'dropped';

export interface TrackedTransaction {
  readonly chainId: number;
  readonly hash: Hash;
  readonly organizationId: string;
  readonly operationId: string;
  readonly transactionIndex: number;
  readonly from: Address;
  readonly nonce: number;
  readonly rawTx: Hex;
  readonly confirmationsRequired: number;
  readonly state: TrackedState;
  readonly blockNumber: bigint | null;
  readonly blockHash: Hash | null;
  readonly status: 'success' | 'reverted' | null;
  /** The last refusal (`CODE: message`) while the bytes were not taken; null once a node took them. */
  readonly lastError: string | null;
}

interface Row {
  chain_id: number;
  hash: string;
  organization_id: string;
  operation_id: string;
  transaction_index: number;
  from_address: string;
  nonce: string;
  raw_tx: string;
  confirmations_required: number;
  state: TrackedState;
  block_number: string | null;
  block_hash: string | null;
  status: 'success' | 'reverted' | null;
  last_error: string | null;
}

function toTracked(r: Row): TrackedTransaction {
  return {
    chainId: r.chain_id,
    hash: r.hash as Hash,
    organizationId: r.organization_id,
    operationId: r.operation_id,
    transactionIndex: r.transaction_index,
    from: r.from_address as Address,
    nonce: Number(r.nonce),
    rawTx: r.raw_tx as Hex,
    confirmationsRequired: r.confirmations_required,
    state: r.state,
    blockNumber: r.block_number === null ? null : BigInt(r.block_number),
    blockHash: r.block_hash as Hash | null,
    status: r.status,
    lastError: r.last_error,
  };
}

export interface TrackedPatch {
  state?: TrackedState;
  blockNumber?: bigint | null;
  blockHash?: Hash | null;
  status?: 'success' | 'reverted' | null;
  gasUsed?: bigint | null;
  effectiveGasPrice?: bigint | null;
  lastError?: string | null;
}

const cols: Record<keyof TrackedPatch, string> = {
  state: 'state',
  blockNumber: 'block_number',
  blockHash: 'block_hash',
  status: 'status',
  gasUsed: 'gas_used',
  effectiveGasPrice: 'effective_gas_price',
  lastError: 'last_error',
};

/** The only code that reads or writes tracked transactions and the log stream's blocks. */
export class TrackedTransactionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts once per (chain, hash); returns the row (new or existing), locked for the transaction. */
  async upsert(
    m: EntityManager,
    t: Omit<TrackedTransaction, 'state' | 'blockNumber' | 'blockHash' | 'status' | 'lastError'>,
  ): Promise<TrackedTransaction> {
    // A new row is the common case, and this transaction holds it until it commits: the
    // insert answers it. Only a repeated request reads (and locks) the existing row.
    const inserted = await m.query<Row[]>(
      `INSERT INTO cg_transaction (chain_id, hash, organization_id, operation_id, transaction_index, from_address, nonce, raw_tx,
         confirmations_required, state)
       VALUES ($1, lower($2), $3, $4, $5, $6, $7, $8, $9, 'pending') ON CONFLICT DO NOTHING RETURNING *`,
      [
        t.chainId,
        t.hash,
        t.organizationId,
        t.operationId,
        t.transactionIndex,
        t.from,
        t.nonce,
        t.rawTx,
        t.confirmationsRequired,
      ],
    );
    if (inserted[0]) return toTracked(inserted[0]);
    const rows = await m.query<Row[]>(
      `SELECT * FROM cg_transaction WHERE chain_id = $1 AND hash = lower($2) FOR UPDATE`,
      [t.chainId, t.hash],
    );
    return toTracked(rows[0]!);
  }

  async update(m: EntityManager, chainId: number, hash: Hash, patch: TrackedPatch): Promise<void> {
    const sets = ['updated_at = now()'];
    const values: unknown[] = [chainId, hash];
    for (const [k, v] of Object.entries(patch)) {
      values.push(typeof v === 'bigint' ? v.toString() : v);
      sets.push(`${cols[k as keyof TrackedPatch]} = $${values.length}`);
    }
    await m.query(
      `UPDATE cg_transaction SET ${sets.join(', ')} WHERE chain_id = $1 AND hash = lower($2)`,
      values,
    );
  }

  /** Locks those of these transactions no other transaction holds (SKIP LOCKED), by hash. */
  async lockMany(
    m: EntityManager,
    chainId: number,
    hashes: readonly Hash[],
  ): Promise<Map<string, TrackedTransaction>> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM cg_transaction WHERE chain_id = $1 AND hash = ANY($2::text[]) FOR UPDATE SKIP LOCKED`,
      [chainId, hashes.map((h) => h.toLowerCase())],
    );
    return new Map(rows.map((r) => [r.hash, toTracked(r)]));
  }

  async lock(m: EntityManager, chainId: number, hash: Hash): Promise<TrackedTransaction | null> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM cg_transaction WHERE chain_id = $1 AND hash = lower($2) FOR UPDATE SKIP LOCKED`,
      [chainId, hash],
    );
    return rows[0] ? toTracked(rows[0]) : null;
  }

  async open(chainId: number): Promise<TrackedTransaction[]> {
    const rows = await this.dataSource.query<Row[]>(
      `SELECT * FROM cg_transaction WHERE chain_id = $1 AND state IN ('pending', 'included', 'confirmed') ORDER BY nonce`,
      [chainId],
    );
    return rows.map(toTracked);
  }

  async count(chainId: number, hash: Hash): Promise<number> {
    const rows = await this.dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM cg_transaction WHERE chain_id = $1 AND hash = lower($2)`,
      [chainId, hash],
    );
    return Number(rows[0]?.n ?? 0);
  }

  // Log stream memory: the canonical blocks already published.

  async lastBlock(
    m: EntityManager,
    chainId: number,
  ): Promise<{ number: bigint; hash: Hash } | null> {
    const rows = await m.query<{ block_number: string; block_hash: string }[]>(
      `SELECT block_number, block_hash FROM cg_block WHERE chain_id = $1 ORDER BY block_number DESC LIMIT 1`,
      [chainId],
    );
    return rows[0]
      ? { number: BigInt(rows[0].block_number), hash: rows[0].block_hash as Hash }
      : null;
  }

  async blockAt(m: EntityManager, chainId: number, number: bigint): Promise<Hash | null> {
    const rows = await m.query<{ block_hash: string }[]>(
      `SELECT block_hash FROM cg_block WHERE chain_id = $1 AND block_number = $2`,
      [chainId, number.toString()],
    );
    return (rows[0]?.block_hash as Hash | undefined) ?? null;
  }

  async putBlock(m: EntityManager, chainId: number, number: bigint, hash: Hash): Promise<void> {
    await m.query(
      `INSERT INTO cg_block (chain_id, block_number, block_hash) VALUES ($1, $2, $3)
       ON CONFLICT (chain_id, block_number) DO UPDATE SET block_hash = EXCLUDED.block_hash`,
      [chainId, number.toString(), hash],
    );
  }

  async deleteBlock(m: EntityManager, chainId: number, number: bigint): Promise<void> {
    await m.query(`DELETE FROM cg_block WHERE chain_id = $1 AND block_number = $2`, [
      chainId,
      number.toString(),
    ]);
  }

  async pruneBlocks(m: EntityManager, chainId: number, below: bigint): Promise<void> {
    await m.query(`DELETE FROM cg_block WHERE chain_id = $1 AND block_number < $2`, [
      chainId,
      below.toString(),
    ]);
  }
}
