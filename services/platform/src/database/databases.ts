import { cpSync, existsSync, renameSync, rmSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { PgliteServer } from './pglite-server';

export interface ServiceDatabase {
  readonly url: string;
  close(): Promise<void>;
}

/** Where each service's database lives: one PGlite per service, or databases on a server. */
export interface DatabaseHost {
  readonly kind: 'pglite' | 'server';
  open(service: string): Promise<ServiceDatabase>;
}

/**
 * Embedded PostgreSQL: one PGlite instance per service (each service owns its
 * database, as with a server), each behind its own local wire-protocol socket
 * so the services' `pg` driver runs unchanged. The first start initialises a
 * template cluster once and copies it per service (initdb costs seconds).
 */
export function pgliteHost(
  dirOf: (name: string) => string,
  onStall: (
    service: string,
    waitedMs: number,
    holderStatement: string,
    waiterStatement: string,
  ) => void,
): DatabaseHost {
  const ensureTemplate = async (): Promise<string> => {
    const template = dirOf('.template');
    if (!existsSync(template)) {
      const staging = `${template}.staging-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      const db = await PGlite.create({ dataDir: staging });
      await db.close();
      // Renamed into place only when complete: an interrupted first start leaves no half template.
      renameSync(staging, template);
    }
    return template;
  };
  return {
    kind: 'pglite',
    async open(service) {
      const dir = dirOf(service);
      if (!existsSync(dir)) {
        const staging = `${dir}.staging-${process.pid}`;
        cpSync(await ensureTemplate(), staging, { recursive: true });
        renameSync(staging, dir);
      }
      const db = await PGlite.create({ dataDir: dir });
      const server = new PgliteServer(db, (waited, holder, waiter) =>
        onStall(service, waited, holder, waiter),
      );
      const port = await server.listen();
      return {
        url: `postgres://postgres@127.0.0.1:${port}/postgres`,
        async close() {
          await server.close();
          await db.close();
        },
      };
    },
  };
}

/** A PostgreSQL server (DATABASE_URL): a database `keel_<service>` per service, created if missing. */
export function serverHost(serverUrl: string): DatabaseHost {
  return {
    kind: 'server',
    async open(service) {
      const name = `keel_${service.replace(/-/g, '_')}`;
      const admin = new Client({ connectionString: serverUrl });
      await admin.connect();
      try {
        const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      return { url: url.toString(), close: async () => undefined };
    },
  };
}
