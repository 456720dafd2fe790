import { openDataSource } from '@keel/persistence';
import type { DataSource } from 'typeorm';
import { ApiKeysAndIdempotency1795400000000 } from './migrations/1795400000000-api-keys-and-idempotency';
import { UsersSessionsWalletVerification1796000000001 } from './migrations/1796000000001-users-sessions-wallet-verification';
import { KafkaIngress1796100000001 } from './migrations/1796100000001-kafka-ingress';
import { LoginThrottle1797800000000 } from './migrations/1797800000000-login-throttle';

/** Opens the request-controls database: outbox/inbox tables, then API keys and idempotency keys. */
export function openDatabase(url: string): Promise<DataSource> {
  return openDataSource({
    url,
    migrations: [
      ApiKeysAndIdempotency1795400000000,
      UsersSessionsWalletVerification1796000000001,
      KafkaIngress1796100000001,
      LoginThrottle1797800000000,
    ],
    applicationName: 'request-controls',
  });
}
