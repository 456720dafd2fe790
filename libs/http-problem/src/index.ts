export * from './problem.filter';
export * from './service-client';
export * from './health.controller';
export * from './internal-token';
