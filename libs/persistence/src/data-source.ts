import 'reflect-metadata';
import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import { persistenceMigrations } from './migrations';

type EntityList = MixedList<string | (new () => unknown) | EntitySchema>;
type MigrationList = (new () => import('typeorm').MigrationInterface)[];

export interface KeelDataSourceOptions {
  /** postgres:// URL (embedded mode: the PGlite socket server's URL). */
  readonly url: string;
  readonly entities?: EntityList;
  /** The service's migrations; the outbox/inbox migrations are always added first. */
  readonly migrations?: MigrationList;
  readonly poolSize?: number;
  readonly applicationName?: string;
  /**
   * Create the schema from entities instead of migrations. Refused unless
   * NODE_ENV is `test`: production schemas change only through migrations.
   */
  readonly synchronize?: boolean;
  readonly statementTimeoutMs?: number;
}

export class SynchronizeRefusedError extends Error {
  override readonly name = 'SynchronizeRefusedError';
}

/** A TypeORM DataSource for PostgreSQL with Keel's migrations (not yet initialized). */
export function createDataSource(options: KeelDataSourceOptions): DataSource {
  if (options.synchronize && process.env['NODE_ENV'] !== 'test') {
    throw new SynchronizeRefusedError(
      'synchronize is only allowed in tests (NODE_ENV=test); run migrations instead',
    );
  }
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities ?? [],
    migrations: [...persistenceMigrations, ...(options.migrations ?? [])],
    migrationsTableName: 'keel_migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: options.synchronize ?? false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? 'keel',
    ...(options.statementTimeoutMs
      ? { extra: { statement_timeout: options.statementTimeoutMs } }
      : {}),
  });
}

/**
 * Creates, connects and migrates a DataSource. Migrations run under a
 * PostgreSQL advisory lock so several replicas starting together do not race.
 */
export async function openDataSource(options: KeelDataSourceOptions): Promise<DataSource> {
  const ds = createDataSource(options);
  await ds.initialize();
  try {
    await runMigrationsLocked(ds);
  } catch (err) {
    await ds.destroy();
    throw err;
  }
  return ds;
}

const MIGRATION_LOCK = 0x6b65656c; // "keel"

export async function runMigrationsLocked(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
