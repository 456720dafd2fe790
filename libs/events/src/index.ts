export * from './catalog';
export * from './envelope';
export * from './event';
