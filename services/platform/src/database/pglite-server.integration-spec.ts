import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteServer } from './pglite-server';

// The embedded database as the services see it: the `pg` driver, a pool of connections,
// one PGlite behind the socket.
const dir = mkdtempSync(join(tmpdir(), 'keel-pglite-'));
let db: PGlite;
let server: PgliteServer;
let url: string;

beforeAll(async () => {
  db = await PGlite.create({ dataDir: dir });
  server = new PgliteServer(db);
  url = `postgres://postgres@127.0.0.1:${await server.listen()}/postgres`;
  const c = new Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE TABLE entries (id int PRIMARY KEY, v text NOT NULL)');
  await c.end();
}, 120_000);

afterAll(async () => {
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('PgliteServer', () => {
  it("keeps each connection's extended-protocol exchange and transaction whole under concurrency", async () => {
    const pool = new Pool({ connectionString: url, max: 8 });
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        if (i % 3 === 0) {
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query('INSERT INTO entries VALUES ($1, $2)', [i, `v${i}`]);
            const r = await c.query<{ v: string }>('SELECT v FROM entries WHERE id = $1', [i]);
            await c.query(i % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
            return r.rows[0]?.v === `v${i}`;
          } finally {
            c.release();
          }
        }
        const r = await pool.query<{ x: number; s: string }>(
          'SELECT $1::int + 1 AS x, $2::text AS s',
          [i, `s${i}`],
        );
        return r.rows[0]?.x === i + 1 && r.rows[0]?.s === `s${i}`;
      }),
    );
    expect(results.every(Boolean)).toBe(true);
    // Committed: the even multiples of 3 below 120 (0, 6, …, 114).
    const count = await pool.query<{ n: string }>('SELECT count(*)::text AS n FROM entries');
    expect(count.rows[0]?.n).toBe('20');
    await pool.end();
  });

  it(
    'rolls back the transaction of a client that disconnects inside it and serves the others',
    { timeout: 30_000 },
    async () => {
      const quitter = new Client({ connectionString: url });
      await quitter.connect();
      await quitter.query('BEGIN');
      await quitter.query('INSERT INTO entries VALUES (1000, $1)', ['never committed']);
      // The other client writes the same key: a write waits for the backend the quitter holds
      // (only a plain read may join an open transaction, see the next test), and it succeeds
      // only if the quitter's row was rolled back (otherwise: duplicate key).
      const other = new Client({ connectionString: url });
      const waiting = other
        .connect()
        .then(() =>
          other.query<{ id: number }>(
            "INSERT INTO entries VALUES (1000, 'after the rollback') RETURNING id",
          ),
        );
      await new Promise((r) => setTimeout(r, 200));
      await quitter.end(); // mid-transaction
      expect((await waiting).rows).toEqual([{ id: 1000 }]);
      const rows = await other.query<{ v: string }>('SELECT v FROM entries WHERE id = 1000');
      expect(rows.rows).toEqual([{ v: 'after the rollback' }]);
      await other.query('DELETE FROM entries WHERE id = 1000');
      await other.end();
    },
  );

  it('answers a plain read while another connection holds a transaction open (the caller may be awaiting it)', async () => {
    const holder = new Client({ connectionString: url });
    const reader = new Client({ connectionString: url });
    await holder.connect();
    await reader.connect();
    await holder.query('BEGIN');
    await holder.query('INSERT INTO entries VALUES (2000, $1)', ['inside']);
    // A use case reading through the pool while its inbox transaction is open.
    const read = await reader.query<{ v: string }>('SELECT v FROM entries WHERE id = $1', [1]);
    expect(read.rows).toHaveLength(0);
    await holder.query('COMMIT');
    const after = await reader.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM entries WHERE id = 2000',
    );
    expect(after.rows[0]?.n).toBe('1');
    await holder.end();
    await reader.end();
  });
});
