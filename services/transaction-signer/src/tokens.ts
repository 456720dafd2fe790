export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const LOGGER = Symbol('LOGGER');
export const RESERVE_AND_SIGN = Symbol('RESERVE_AND_SIGN');
export const COMPLETE_SIGNING = Symbol('COMPLETE_SIGNING');
export const TRACK_TRANSACTION = Symbol('TRACK_TRANSACTION');
export const RECONCILE_LANE = Symbol('RECONCILE_LANE');
export const CHAIN = Symbol('CHAIN');
export const RELEASE_CANCELLED = Symbol('RELEASE_CANCELLED');
