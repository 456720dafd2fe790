import { openDataSource } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { OperationJournal1795500000000 } from './migrations/1795500000000-operation-journal';
import { OperationPlans1796300000001 } from './migrations/1796300000001-operation-plans';
import { GasSettings1797400000000 } from './migrations/1797400000000-gas-settings';

/** Opens the journal database: the outbox/inbox tables, then the journal's migrations. */
export function openDatabase(url: string): Promise<DataSource> {
  return openDataSource({
    url,
    migrations: [
      OperationJournal1795500000000,
      OperationPlans1796300000001,
      GasSettings1797400000000,
    ],
    applicationName: 'execution-engine',
  });
}
