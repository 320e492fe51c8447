import type { DataCentre } from './data-centres.js';
import type { Edition } from './editions.js';

/** Knobs a test or the admin API may turn at run time. */
export interface SimZohoSettings {
  edition: Edition;
  /** Licensed users; scales the daily credit allowance like Zoho does. */
  users: number;
  /** Overrides the edition's daily credit allowance (rolling 24 h) when set. */
  creditsPerDay: number | null;
  /** Overrides the edition's concurrency limit when set. */
  concurrency: number | null;
  latencyMs: number;
  /** Probability 0..1 that a notification callback is silently lost. */
  callbackDropRate: number;
  /** Skip the HTML consent page and redirect straight back with a code. */
  autoApprove: boolean;
  maxChannelExpiryMs: number;
  /** The data centre the simulated org (and its users) lives in. */
  orgDc: DataCentre;
  /** What a token from another DC gets; API-FACTS has seen both. */
  dcMismatchError: 'INVALID_TOKEN' | 'INVALID_HOST';
  /** A real org ignores fields it does not define; tests may prefer to keep them. */
  acceptUnknownFields: boolean;
}

export const HOUR_MS = 3_600_000;

export function defaultSettings(): SimZohoSettings {
  return {
    edition: 'enterprise',
    users: 10,
    creditsPerDay: null,
    concurrency: null,
    latencyMs: 0,
    callbackDropRate: 0,
    autoApprove: false,
    maxChannelExpiryMs: 24 * HOUR_MS,
    orgDc: 'us',
    dcMismatchError: 'INVALID_TOKEN',
    acceptUnknownFields: false,
  };
}

type Check = (value: unknown) => boolean;
const isCount: Check = (value) => Number.isInteger(value) && (value as number) >= 0;
const isNullableCount: Check = (value) => value === null || (Number.isInteger(value) && (value as number) > 0);

const CHECKS: { [K in keyof SimZohoSettings]: Check } = {
  edition: (value) => typeof value === 'string' && ['free', 'standard', 'professional', 'enterprise', 'ultimate'].includes(value),
  users: isCount,
  creditsPerDay: isNullableCount,
  concurrency: isNullableCount,
  latencyMs: isCount,
  callbackDropRate: (value) => typeof value === 'number' && value >= 0 && value <= 1,
  autoApprove: (value) => typeof value === 'boolean',
  maxChannelExpiryMs: (value) => Number.isInteger(value) && (value as number) > 0,
  orgDc: (value) => typeof value === 'string' && ['us', 'eu', 'in', 'au', 'jp', 'ca'].includes(value),
  dcMismatchError: (value) => value === 'INVALID_TOKEN' || value === 'INVALID_HOST',
  acceptUnknownFields: (value) => typeof value === 'boolean',
};

/** Applies a partial update; returns every invalid key at once and changes nothing if any is invalid. */
export function applySettingsPatch(settings: SimZohoSettings, patch: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const check = CHECKS[key as keyof SimZohoSettings] as Check | undefined;
    if (!check) errors.push(`unknown setting "${key}"`);
    else if (!check(value)) errors.push(`invalid value for "${key}": ${JSON.stringify(value)}`);
  }
  if (errors.length === 0) Object.assign(settings, patch);
  return errors;
}
