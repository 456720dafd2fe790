/** Nest injection tokens of the service's infrastructure. */
export const EVENT_BUS = Symbol('EVENT_BUS');
export const LOGGER = Symbol('LOGGER');
export const CONFIG = Symbol('CONFIG');
export const CHAIN_CLIENT = Symbol('CHAIN_CLIENT');
