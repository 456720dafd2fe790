import { describe, expect, it } from 'vitest';
import { createDataSource, SynchronizeRefusedError } from './data-source';
import { persistenceMigrations } from './migrations';

describe('createDataSource', () => {
  it('always runs the outbox/inbox migrations first and never synchronizes by default', () => {
    class ServiceMigration1795399999999 {
      name = 'ServiceMigration1795399999999';
      up = () => Promise.resolve();
      down = () => Promise.resolve();
    }
    const ds = createDataSource({
      url: 'postgres://u@127.0.0.1:1/x',
      migrations: [ServiceMigration1795399999999],
    });
    expect(ds.options.synchronize).toBe(false);
    expect(ds.options.migrations).toEqual([
      ...persistenceMigrations,
      ServiceMigration1795399999999,
    ]);
    expect(ds.options.migrationsTableName).toBe('keel_migrations');
  });

  it('refuses synchronize outside tests', () => {
    const prev = process.env['NODE_ENV'];
    try {
      process.env['NODE_ENV'] = 'production';
      expect(() => createDataSource({ url: 'postgres://u@h/x', synchronize: true })).toThrow(
        SynchronizeRefusedError,
      );
      process.env['NODE_ENV'] = 'test';
      expect(
        createDataSource({ url: 'postgres://u@h/x', synchronize: true }).options.synchronize,
      ).toBe(true);
    } finally {
      process.env['NODE_ENV'] = prev;
    }
  });
});
