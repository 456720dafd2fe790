import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from './postgres';

class CreateLedger1700000000000 implements MigrationInterface {
  name = 'CreateLedger1700000000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ledger (id serial PRIMARY KEY, memo text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ledger`);
  }
}

describe('createTestDatabase', () => {
  it('creates a fresh database, migrates it with TypeORM, uses it and drops it', async () => {
    const db = await createTestDatabase({ prefix: 'harness' });
    try {
      const ds = new DataSource({
        type: 'postgres',
        url: db.url,
        migrations: [CreateLedger1700000000000],
        synchronize: false,
      });
      await ds.initialize();
      const ran = await ds.runMigrations();
      expect(ran.map((m) => m.name)).toEqual(['CreateLedger1700000000000']);
      await ds.query(`INSERT INTO ledger (memo) VALUES ($1), ($2)`, ['a', 'b']);
      const rows: { memo: string }[] = await ds.query(`SELECT memo FROM ledger ORDER BY id`);
      expect(rows.map((r) => r.memo)).toEqual(['a', 'b']);
      await ds.destroy();
      // A connection left open (a test that failed before cleanup) does not prevent the drop.
      const leftOpen = new Client({ connectionString: db.url });
      const errors: Error[] = [];
      const terminated = new Promise<Error>((resolve) =>
        leftOpen.on('error', (e: Error) => {
          errors.push(e);
          resolve(e);
        }),
      );
      await leftOpen.connect();
      await db.drop();
      expect((await terminated).message).toMatch(/terminat/);
    } finally {
      await db.drop();
    }
    const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      db.name,
    ]);
    await admin.end();
    expect(rowCount).toBe(0);
  });

  it('names two databases differently', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    await Promise.all([a.drop(), b.drop()]);
  });
});
