import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ApiKeysAndIdempotency1795400000000 } from './migrations/1795400000000-api-keys-and-idempotency';

/** Opens the request-controls database and applies its migrations. */
export async function openDatabase(url: string): Promise<DataSource> {
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: [ApiKeysAndIdempotency1795400000000],
    migrationsTableName: 'request_controls_migrations',
    applicationName: 'request-controls',
    poolSize: 10,
  });
  await ds.initialize();
  // Replicas starting together must not race on migrations: one session lock.
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['request-controls-migrations']);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [
        'request-controls-migrations',
      ]);
    }
  } finally {
    await runner.release();
  }
  return ds;
}
