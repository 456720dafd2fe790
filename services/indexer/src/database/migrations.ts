import { CreateIndexerReadModels1795500000300 } from './1795500000300-create-indexer-read-models';
import { IndexTrustedIssuers1795500000400 } from './1795500000400-index-trusted-issuers';

export const indexerMigrations = [
  CreateIndexerReadModels1795500000300,
  IndexTrustedIssuers1795500000400,
];
