export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const APPLY_BLOCK = Symbol('APPLY_BLOCK');
export const READ_MODELS = Symbol('READ_MODELS');
export const AWAIT_INDEXED_BLOCK = Symbol('AWAIT_INDEXED_BLOCK');
