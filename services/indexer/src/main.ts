import { runServiceMain } from '@keel/service-runtime';
import { SERVICE_NAME, startIndexer } from './bootstrap';
import { loadIndexerConfig } from './config';

runServiceMain({ service: SERVICE_NAME, loadConfig: loadIndexerConfig, start: startIndexer });
