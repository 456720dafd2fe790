export * from './anvil';
export * from './errors';
export * from './kafka';
export * from './postgres';
export * from './processes';
export * from './ts-process';
export * from './keel-system';
export * from './custody';
