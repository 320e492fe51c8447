/** Nest injection tokens of the Zoho module. */
export const ZOHO_OAUTH = Symbol('ZOHO_OAUTH');
export const SYSTEM_CLOCK = Symbol('SYSTEM_CLOCK');

/** Time behind an injectable, so a spec can drive expiry without sleeping. */
export interface Clock {
  now(): number;
}
