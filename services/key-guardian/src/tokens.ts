export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const UNIFIED_SIGNER = Symbol('UNIFIED_SIGNER');
export const LOGGER = Symbol('LOGGER');
export const SIGN_TRANSACTION = Symbol('SIGN_TRANSACTION');
