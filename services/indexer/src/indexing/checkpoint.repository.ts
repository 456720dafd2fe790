import type { EntityManager } from 'typeorm';

export interface Checkpoint {
  readonly chainId: number;
  /** Last block whose logs are applied (every block up to it is indexed). */
  readonly blockNumber: bigint;
  readonly blockHash: `0x${string}` | null;
}

export interface AppliedBlock {
  readonly blockNumber: bigint;
  readonly blockHash: `0x${string}`;
}

/** The per-chain checkpoint and the journal of applied blocks; used inside the caller's transaction. */
export class CheckpointRepository {
  async get(manager: EntityManager, chainId: number, lock = false): Promise<Checkpoint | null> {
    const rows = await manager.query<{ block_number: string; block_hash: string | null }[]>(
      `SELECT block_number, block_hash FROM ix_checkpoint WHERE chain_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [chainId],
    );
    const row = rows[0];
    return row
      ? {
          chainId,
          blockNumber: BigInt(row.block_number),
          blockHash: row.block_hash as `0x${string}` | null,
        }
      : null;
  }

  async set(
    manager: EntityManager,
    chainId: number,
    blockNumber: bigint,
    blockHash: `0x${string}` | null,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ix_checkpoint (chain_id, block_number, block_hash, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (chain_id) DO UPDATE SET block_number = EXCLUDED.block_number,
         block_hash = EXCLUDED.block_hash, updated_at = now()`,
      [chainId, blockNumber.toString(), blockHash],
    );
  }

  async appliedBlock(
    manager: EntityManager,
    chainId: number,
    blockNumber: bigint,
  ): Promise<AppliedBlock | null> {
    const rows = await manager.query<{ block_hash: string }[]>(
      `SELECT block_hash FROM ix_block WHERE chain_id = $1 AND block_number = $2`,
      [chainId, blockNumber.toString()],
    );
    return rows[0] ? { blockNumber, blockHash: rows[0].block_hash as `0x${string}` } : null;
  }

  /** Applied blocks at or above `from`, newest first. */
  async appliedFrom(
    manager: EntityManager,
    chainId: number,
    from: bigint,
  ): Promise<AppliedBlock[]> {
    const rows = await manager.query<{ block_number: string; block_hash: string }[]>(
      `SELECT block_number, block_hash FROM ix_block WHERE chain_id = $1 AND block_number >= $2
        ORDER BY block_number DESC`,
      [chainId, from.toString()],
    );
    return rows.map((r) => ({
      blockNumber: BigInt(r.block_number),
      blockHash: r.block_hash as `0x${string}`,
    }));
  }

  async recordBlock(
    manager: EntityManager,
    chainId: number,
    block: AppliedBlock,
    logCount: number,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ix_block (chain_id, block_number, block_hash, log_count) VALUES ($1, $2, $3, $4)`,
      [chainId, block.blockNumber.toString(), block.blockHash, logCount],
    );
  }

  async forgetBlock(manager: EntityManager, chainId: number, blockNumber: bigint): Promise<void> {
    await manager.query(`DELETE FROM ix_block WHERE chain_id = $1 AND block_number = $2`, [
      chainId,
      blockNumber.toString(),
    ]);
  }

  /** Drops undo rows older than the reorg window (those blocks can no longer be rolled back). */
  async prune(manager: EntityManager, chainId: number, below: bigint): Promise<void> {
    await manager.query(`DELETE FROM ix_undo WHERE chain_id = $1 AND block_number < $2`, [
      chainId,
      below.toString(),
    ]);
  }
}
