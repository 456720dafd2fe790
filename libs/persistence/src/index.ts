export * from './data-source';
export * from './inbox';
export * from './migrations';
export * from './outbox';
export * from './outbox-relay';
export * from './returned-rows';
