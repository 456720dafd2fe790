export * from './bus-config';
export * from './json-body';
export * from './run-service';
export * from './service-main';
