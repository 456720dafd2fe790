export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const CHAIN = Symbol('CHAIN');
export const BROADCAST_TRANSACTION = Symbol('BROADCAST_TRANSACTION');
