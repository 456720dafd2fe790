import { CreateOutboxAndInbox1795300000000 } from './1795300000000-create-outbox-and-inbox';

/** Migrations of @keel/persistence itself; createDataSource always includes them. */
export const persistenceMigrations = [CreateOutboxAndInbox1795300000000];
