export * from './problem.filter';
export * from './http-client';
export * from './service-client';
export * from './health.controller';
export * from './internal-token';
