/** Nest injection tokens of the service's infrastructure. */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const EVENT_BUS = Symbol('EVENT_BUS');
export const LOGGER = Symbol('LOGGER');
export const CONFIG = Symbol('CONFIG');
/** The service's SecretBox (REQUEST_CONTROLS_ENCRYPTION_KEY), or null when no key is configured. */
export const SECRET_BOX = Symbol('SECRET_BOX');
