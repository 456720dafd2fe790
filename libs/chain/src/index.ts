export * from './client';
export * from './errors';
export * from './fees';
export * from './payload-integrity';
export * from './revert';
export * from './transaction';
export * from './upstream-pool';
export * from './rpc-config';
