import { runServiceMain } from '@keel/service-runtime';
import { SERVICE_NAME, startTransactionSigner } from './bootstrap';
import { loadTransactionSignerConfig } from './config';

runServiceMain({
  service: SERVICE_NAME,
  loadConfig: loadTransactionSignerConfig,
  start: startTransactionSigner,
});
