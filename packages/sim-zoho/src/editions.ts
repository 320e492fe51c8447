export const EDITIONS = ['free', 'standard', 'professional', 'enterprise', 'ultimate'] as const;
export type Edition = (typeof EDITIONS)[number];

export interface EditionLimits {
  readonly concurrency: number;
  readonly baseCredits: number;
  readonly creditsPerUser: number;
  readonly maxCredits: number;
}

/** API-FACTS "Limits". Ultimate is not listed there; Zoho's limits page gives it 2,000 per user, max 5M. */
const LIMITS: Record<Edition, EditionLimits> = {
  free: { concurrency: 5, baseCredits: 5_000, creditsPerUser: 0, maxCredits: 5_000 },
  standard: { concurrency: 10, baseCredits: 50_000, creditsPerUser: 250, maxCredits: 100_000 },
  professional: { concurrency: 15, baseCredits: 50_000, creditsPerUser: 500, maxCredits: 3_000_000 },
  enterprise: { concurrency: 20, baseCredits: 50_000, creditsPerUser: 1_000, maxCredits: 5_000_000 },
  ultimate: { concurrency: 25, baseCredits: 50_000, creditsPerUser: 2_000, maxCredits: 5_000_000 },
};

/** Complex calls (writes of more than 10 records, COQL, search) share a smaller pool in every edition. */
export const SUB_CONCURRENCY = 10;

export function editionLimits(edition: Edition): EditionLimits {
  return LIMITS[edition];
}

export function dailyCredits(edition: Edition, users: number): number {
  const limits = LIMITS[edition];
  return Math.min(limits.maxCredits, limits.baseCredits + limits.creditsPerUser * users);
}

export function isEdition(value: unknown): value is Edition {
  return typeof value === 'string' && (EDITIONS as readonly string[]).includes(value);
}

export function isEditionAtLeast(edition: Edition, minimum: Edition): boolean {
  return EDITIONS.indexOf(edition) >= EDITIONS.indexOf(minimum);
}
