import { escapeLiteral } from 'pg';
import type { QueryRunner } from 'typeorm';

/**
 * Every statement is a round trip to PostgreSQL: a message each way and a wake-up of the
 * server and of the client (bench/RESULTS.md run 6: 38 % fewer of them cut PostgreSQL's CPU
 * per operation by 12 % and the services' by 7–10 %). An inbox
 * transaction always opens with `START TRANSACTION` and its inbox row, and a transaction
 * that publishes always ends with its outbox rows and `COMMIT`: this module sends each
 * pair as one simple-query message (two statements, one round trip), with the values
 * rendered as literals. A failing statement aborts the rest of its message, so the
 * transaction's outcome is the same as with two messages.
 */

export type SqlValue = SqlScalar | readonly SqlScalar[];
/** `undefined` is NULL, as node-postgres sends it for a parameter. */
type SqlScalar = string | number | bigint | boolean | null | undefined;

function scalar(v: SqlScalar): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'string') return escapeLiteral(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number' && !Number.isFinite(v))
    throw new TypeError(`not a finite number: ${v}`);
  return String(v);
}

/** Renders one value as an SQL literal (an array as `ARRAY[...]`, or `'{}'` when empty). */
export function sqlLiteral(v: SqlValue): string {
  if (Array.isArray(v)) return v.length === 0 ? "'{}'" : `ARRAY[${v.map(scalar).join(',')}]`;
  return scalar(v as SqlScalar);
}

/**
 * Replaces `$1`, `$2`… in a statement written for parameters by the values as literals.
 * Only for Keel's own statement texts (no `$n` inside their string constants); each
 * placeholder should carry its cast (`$2::text[]`), as it would for parameters.
 */
export function inlineStatement(text: string, values: readonly SqlValue[]): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => {
    const i = Number(n) - 1;
    if (i < 0 || i >= values.length) throw new RangeError(`no value for $${n}`);
    return sqlLiteral(values[i]);
  });
}

const OPENING = 'keelFusedOpening';
const CLOSING = 'keelFusedClosing';
const WRAPPED = 'keelFusedWrapped';

interface Opening {
  readonly sql: string;
  rows?: unknown[];
}

interface PgClient {
  query(text: string): Promise<{ rows: unknown[] } | { rows: unknown[] }[]>;
}

function dataOf(runner: QueryRunner): Record<string, unknown> {
  return runner.data;
}

/**
 * Lets this runner send the statements registered with {@link startTransactionWith} and
 * {@link closeWith} together with `START TRANSACTION` and with the statement ending their
 * level (`COMMIT`, `RELEASE SAVEPOINT`, or a `SAVEPOINT` opening a nested one), and forget
 * the deferred ones on `ROLLBACK`. TypeORM's transaction bookkeeping (depth, subscribers)
 * is unchanged: only the text of those statements grows.
 */
function fuse(runner: QueryRunner): void {
  const data = dataOf(runner);
  if (data[WRAPPED]) return;
  data[WRAPPED] = true;
  const original = runner.query.bind(runner) as (
    query: string,
    parameters?: unknown[],
    structured?: boolean,
  ) => Promise<unknown>;
  const fused = async (query: string, parameters?: unknown[], structured?: boolean) => {
    if (parameters === undefined || parameters.length === 0) {
      const opening = data[OPENING] as Opening | undefined;
      if (query === 'START TRANSACTION' && opening) {
        delete data[OPENING];
        // Straight to the driver: a multi-statement message answers one result per
        // statement, which TypeORM's query() does not pass back.
        const client = (await runner.connect()) as PgClient;
        const results = await client.query(`START TRANSACTION; ${opening.sql}`);
        const last = Array.isArray(results) ? results[results.length - 1] : results;
        opening.rows = last?.rows ?? [];
        return undefined;
      }
      const closing = data[CLOSING] as string | undefined;
      if (closing !== undefined) {
        // They go with the end of their level, or before a savepoint opens (rolling the
        // savepoint back must not take them with it).
        if (
          query === 'COMMIT' ||
          query.startsWith('RELEASE SAVEPOINT') ||
          query.startsWith('SAVEPOINT')
        ) {
          delete data[CLOSING];
          return original(`${closing}; ${query}`);
        }
        // A rollback (of the transaction or of the current savepoint) drops what was
        // deferred since the transaction or savepoint began.
        if (query === 'ROLLBACK' || query.startsWith('ROLLBACK TO SAVEPOINT')) delete data[CLOSING];
      }
    }
    return original(query, parameters, structured);
  };
  runner.query = fused as QueryRunner['query'];
}

/**
 * Starts a transaction on this (connected, idle) runner with one statement sent in the
 * same message as `START TRANSACTION`; returns that statement's rows.
 */
export async function startTransactionWith(runner: QueryRunner, sql: string): Promise<unknown[]> {
  fuse(runner);
  const opening: Opening = { sql };
  dataOf(runner)[OPENING] = opening;
  try {
    await runner.startTransaction();
  } finally {
    delete dataOf(runner)[OPENING];
  }
  return opening.rows ?? [];
}

/**
 * Sends this statement with the end of the current transaction (or savepoint) instead of
 * on its own, after the statements deferred before it: for writes nothing in the
 * transaction reads back. If it fails, the commit fails and the caller's rollback discards
 * the transaction, as if it had run alone; a savepoint opened later runs it first; a
 * rollback forgets it.
 */
export function closeWith(runner: QueryRunner, sql: string): void {
  fuse(runner);
  const data = dataOf(runner);
  const before = data[CLOSING] as string | undefined;
  data[CLOSING] = before === undefined ? sql : `${before}; ${sql}`;
}
