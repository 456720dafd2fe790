import { openDataSource } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { OperationJournal1795500000000 } from './migrations/1795500000000-operation-journal';

/** Opens the journal database: the outbox/inbox tables, then the journal's migrations. */
export function openDatabase(url: string): Promise<DataSource> {
  return openDataSource({
    url,
    migrations: [OperationJournal1795500000000],
    applicationName: 'execution-engine',
  });
}
