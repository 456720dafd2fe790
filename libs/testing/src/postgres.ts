import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { MissingDependencyError } from './errors';

export interface TestDatabaseOptions {
  /** Part of the database name, to tell suites apart (letters, digits, underscore). */
  prefix?: string;
  /** Admin connection URL; default KEEL_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/postgres. */
  adminUrl?: string;
}

export interface TestDatabaseHandle {
  readonly name: string;
  readonly url: string;
  /** Drops the database, terminating any connection still open to it. */
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return process.env['KEEL_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdmin<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') {
      throw new MissingDependencyError(
        'PostgreSQL server',
        'the Debian package postgresql (a server listening on 127.0.0.1:5432 with trust auth)',
        'apt-get install -y postgresql && pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
        `cannot connect to ${new URL(url).host}: ${code}`,
      );
    }
    throw err;
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database on the local PostgreSQL server. */
export async function createTestDatabase(
  options: TestDatabaseOptions = {},
): Promise<TestDatabaseHandle> {
  const admin = options.adminUrl ?? adminUrl();
  const prefix = (options.prefix ?? 'test')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `keel_${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await withAdmin(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
