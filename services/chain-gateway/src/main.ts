import { runServiceMain } from '@keel/service-runtime';
import { SERVICE_NAME, startChainGateway } from './bootstrap';
import { loadChainGatewayConfig } from './config';

runServiceMain({
  service: SERVICE_NAME,
  loadConfig: loadChainGatewayConfig,
  start: startChainGateway,
});
