export * from './operation-types';
export * from './permissions';
export * from './problem';
