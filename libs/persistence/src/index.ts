export * from './data-source';
export { closeWith, inlineStatement, type SqlValue } from './fused-statements';
export * from './inbox';
export * from './migrations';
export * from './outbox';
export * from './outbox-relay';
export * from './returned-rows';
