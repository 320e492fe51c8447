/** Nest injection tokens for values that are not classes. */
export const RELAY_CONFIG = Symbol('RELAY_CONFIG');
export const RELAY_LOGGER = Symbol('RELAY_LOGGER');
export const DATABASE_URL = Symbol('DATABASE_URL');
