/** Nest injection tokens of the service's infrastructure. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const EVENT_BUS = Symbol('EVENT_BUS');
export const LOGGER = Symbol('LOGGER');
export const CONFIG = Symbol('CONFIG');
