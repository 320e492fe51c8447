/** Zoho CRM editions and their API limits (API-FACTS "Limits"). */
export const ZOHO_EDITIONS = ['free', 'standard', 'professional', 'enterprise', 'ultimate'] as const;
export type ZohoEdition = (typeof ZOHO_EDITIONS)[number];

interface EditionLimits {
  readonly concurrency: number;
  readonly baseCredits: number;
  readonly creditsPerUser: number;
  readonly maxCredits: number;
}

// Ultimate is not in API-FACTS; Zoho's limits page gives it 2,000 per user, max 5M.
const LIMITS: Record<ZohoEdition, EditionLimits> = {
  free: { concurrency: 5, baseCredits: 5_000, creditsPerUser: 0, maxCredits: 5_000 },
  standard: { concurrency: 10, baseCredits: 50_000, creditsPerUser: 250, maxCredits: 100_000 },
  professional: { concurrency: 15, baseCredits: 50_000, creditsPerUser: 500, maxCredits: 3_000_000 },
  enterprise: { concurrency: 20, baseCredits: 50_000, creditsPerUser: 1_000, maxCredits: 5_000_000 },
  ultimate: { concurrency: 25, baseCredits: 50_000, creditsPerUser: 2_000, maxCredits: 5_000_000 },
};

/** Writes of more than 10 records, COQL and search share this smaller pool in every edition. */
export const COMPLEX_CONCURRENCY = 10;

/** Modules that need Professional or above (API-FACTS "Editions"). */
export const PROFESSIONAL_MODULES = ['Purchase_Orders', 'Sales_Orders', 'Invoices', 'Quotes', 'Vendors'] as const;

export function isZohoEdition(value: string): value is ZohoEdition {
  return (ZOHO_EDITIONS as readonly string[]).includes(value);
}

/** Zoho's org API names editions like "Enterprise" or "ZohoCRM Enterprise"; unknown ones read as the most cautious. */
export function parseEdition(label: string | undefined): ZohoEdition {
  const lower = (label ?? '').toLowerCase();
  return ZOHO_EDITIONS.find((edition) => lower.includes(edition)) ?? 'free';
}

export function editionConcurrency(edition: ZohoEdition): number {
  return LIMITS[edition].concurrency;
}

export function editionDailyCredits(edition: ZohoEdition, users: number): number {
  const limits = LIMITS[edition];
  return Math.min(limits.maxCredits, limits.baseCredits + limits.creditsPerUser * users);
}

export function editionAllowsModule(edition: ZohoEdition, module: string): boolean {
  if (!(PROFESSIONAL_MODULES as readonly string[]).includes(module)) return true;
  return ZOHO_EDITIONS.indexOf(edition) >= ZOHO_EDITIONS.indexOf('professional');
}
