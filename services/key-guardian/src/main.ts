import { runServiceMain } from '@keel/service-runtime';
import { SERVICE_NAME, startKeyGuardian } from './bootstrap';
import { loadKeyGuardianConfig } from './config';

runServiceMain({
  service: SERVICE_NAME,
  loadConfig: loadKeyGuardianConfig,
  start: startKeyGuardian,
});
