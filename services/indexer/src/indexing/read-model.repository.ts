import type { EntityManager } from 'typeorm';

/** A read-model row as stored: column name → JSON-safe value (amounts as decimal strings). */
export type Row = Record<string, string | number | boolean | null | Record<string, string>>;

/** Tables the journal may write, with their primary-key columns. */
export const journaledTables = {
  ix_asset: ['chain_id', 'address'],
  ix_compliance_module: ['chain_id', 'compliance', 'module'],
  ix_holder: ['chain_id', 'asset', 'wallet'],
  ix_identity: ['chain_id', 'registry', 'wallet'],
  ix_claim: ['chain_id', 'identity', 'claim_id'],
  ix_role: ['chain_id', 'contract', 'role', 'account'],
  ix_trusted_issuer: ['chain_id', 'registry', 'issuer'],
  ix_claim_issuer: ['chain_id', 'address'],
  ix_log: ['chain_id', 'block_number', 'log_index'],
} as const;
export type JournaledTable = keyof typeof journaledTables;

const JSON_COLUMNS = new Set(['metadata']);

/**
 * The only code that writes read models. Every write first records the row's
 * previous state (or its absence) in `ix_undo` under the block being applied,
 * so rolling a re-orged block back is replaying its undo rows newest first.
 * Runs inside the caller's transaction.
 */
export class JournaledWriter {
  private seq = 0;

  constructor(
    private readonly manager: EntityManager,
    private readonly chainId: number,
    private readonly blockNumber: bigint,
  ) {}

  async get(table: JournaledTable, key: Row): Promise<Row | undefined> {
    const cols = journaledTables[table];
    const rows = await this.manager.query<Row[]>(
      `SELECT * FROM ${table} WHERE ${cols.map((c, i) => `${c} = $${i + 1}`).join(' AND ')} FOR UPDATE`,
      cols.map((c) => key[c]),
    );
    return rows[0] ? normalize(rows[0]) : undefined;
  }

  /** Rows whose `column` equals `value` (for lookups by a non-key column). */
  async where(
    table: JournaledTable,
    column: string,
    value: string | number,
    chainId: number,
  ): Promise<Row[]> {
    if (!/^[a-z_]+$/.test(column)) throw new Error(`bad column ${column}`);
    const rows = await this.manager.query<Row[]>(
      `SELECT * FROM ${table} WHERE chain_id = $1 AND ${column} = $2 FOR UPDATE`,
      [chainId, value],
    );
    return rows.map(normalize);
  }

  /** Writes `row` (the whole row, key included), journaling what it replaces. */
  async put(table: JournaledTable, row: Row): Promise<void> {
    const previous = await this.get(table, row);
    await this.journal(table, row, previous ?? null);
    await upsertRow(this.manager, table, row);
  }

  async delete(table: JournaledTable, key: Row): Promise<void> {
    const previous = await this.get(table, key);
    if (!previous) return;
    await this.journal(table, key, previous);
    await deleteRow(this.manager, table, key);
  }

  private async journal(table: JournaledTable, key: Row, previous: Row | null): Promise<void> {
    const rowKey = Object.fromEntries(journaledTables[table].map((c) => [c, key[c]]));
    await this.manager.query(
      `INSERT INTO ix_undo (chain_id, block_number, seq, table_name, row_key, previous)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        this.chainId,
        this.blockNumber.toString(),
        this.seq++,
        table,
        JSON.stringify(rowKey),
        previous === null ? null : JSON.stringify(previous),
      ],
    );
  }
}

/** Undoes every write recorded under one block, newest first, and drops its undo rows. */
export async function undoBlock(
  manager: EntityManager,
  chainId: number,
  blockNumber: bigint,
): Promise<number> {
  const undo = await manager.query<
    { table_name: JournaledTable; row_key: Row; previous: Row | null }[]
  >(
    `SELECT table_name, row_key, previous FROM ix_undo
      WHERE chain_id = $1 AND block_number = $2 ORDER BY seq DESC`,
    [chainId, blockNumber.toString()],
  );
  for (const u of undo) {
    if (!(u.table_name in journaledTables))
      throw new Error(`unknown journaled table ${u.table_name}`);
    if (u.previous === null) await deleteRow(manager, u.table_name, u.row_key);
    else await upsertRow(manager, u.table_name, u.previous);
  }
  await manager.query(`DELETE FROM ix_undo WHERE chain_id = $1 AND block_number = $2`, [
    chainId,
    blockNumber.toString(),
  ]);
  return undo.length;
}

async function upsertRow(manager: EntityManager, table: JournaledTable, row: Row): Promise<void> {
  const cols = Object.keys(row);
  const keys: readonly string[] = journaledTables[table];
  const values = cols.map((c) =>
    JSON_COLUMNS.has(c) ? JSON.stringify(row[c] ?? {}) : (row[c] ?? null),
  );
  const updates = cols.filter((c) => !keys.includes(c));
  await manager.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})
     ON CONFLICT (${keys.join(', ')}) DO ${
       updates.length === 0
         ? 'NOTHING'
         : `UPDATE SET ${updates.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`
     }`,
    values,
  );
}

async function deleteRow(manager: EntityManager, table: JournaledTable, key: Row): Promise<void> {
  const cols = journaledTables[table];
  await manager.query(
    `DELETE FROM ${table} WHERE ${cols.map((c, i) => `${c} = $${i + 1}`).join(' AND ')}`,
    cols.map((c) => key[c]),
  );
}

/** pg returns bigint/numeric as strings already; keep them so and drop nothing. */
function normalize(row: Row): Row {
  return { ...row };
}
