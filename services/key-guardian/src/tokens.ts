export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const UNIFIED_SIGNER = Symbol('UNIFIED_SIGNER');
export const LOGGER = Symbol('LOGGER');
export const SIGN_TRANSACTION = Symbol('SIGN_TRANSACTION');
export const POLICIES = Symbol('POLICIES');
export const KEYSTORE = Symbol('KEYSTORE');
export const READ_APPROVALS = Symbol('READ_APPROVALS');
export const DECIDE_APPROVAL = Symbol('DECIDE_APPROVAL');
