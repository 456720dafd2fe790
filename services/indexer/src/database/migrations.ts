import { CreateIndexerReadModels1795500000300 } from './1795500000300-create-indexer-read-models';

export const indexerMigrations = [CreateIndexerReadModels1795500000300];
