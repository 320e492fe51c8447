import { dailyCredits, editionLimits, SUB_CONCURRENCY } from './editions.js';
import type { SimClock } from './sim-clock.js';
import type { SimZohoSettings } from './sim-settings.js';

const DAY_MS = 86_400_000;
const BUCKET_MS = 60_000;

export interface CreditUsage {
  readonly used: number;
  readonly limit: number;
}

/**
 * Per-org API credits over a rolling 24 h (kept in one-minute buckets so a charge is O(1)) and the
 * per-edition concurrency limits, with the smaller pool for complex calls.
 */
export class LimitsService {
  private inFlight = 0;
  private complexInFlight = 0;
  private buckets: { start: number; credits: number }[] = [];
  private used = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly settings: SimZohoSettings,
  ) {}

  concurrencyLimit(): number {
    return this.settings.concurrency ?? editionLimits(this.settings.edition).concurrency;
  }

  creditLimit(): number {
    return this.settings.creditsPerDay ?? dailyCredits(this.settings.edition, this.settings.users);
  }

  /** Takes a concurrency slot; undefined when the org is at its limit. */
  acquire(complex: boolean): (() => void) | undefined {
    if (this.inFlight >= this.concurrencyLimit()) return undefined;
    if (complex && this.complexInFlight >= Math.min(SUB_CONCURRENCY, this.concurrencyLimit())) return undefined;
    this.inFlight += 1;
    if (complex) this.complexInFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= 1;
      if (complex) this.complexInFlight -= 1;
    };
  }

  private expire(): void {
    const cutoff = this.clock.now() - DAY_MS;
    while (this.buckets.length > 0 && this.buckets[0].start + BUCKET_MS <= cutoff) {
      this.used -= this.buckets[0].credits;
      this.buckets.shift();
    }
  }

  usage(): CreditUsage {
    this.expire();
    return { used: this.used, limit: this.creditLimit() };
  }

  canSpend(credits: number): boolean {
    const { used, limit } = this.usage();
    return used + credits <= limit;
  }

  charge(credits: number): void {
    if (credits <= 0) return;
    const start = Math.floor(this.clock.now() / BUCKET_MS) * BUCKET_MS;
    const last = this.buckets.at(-1);
    if (last && last.start === start) last.credits += credits;
    else this.buckets.push({ start, credits });
    this.used += credits;
  }

  /** Zoho adds X-API-CREDITS-REMAINING only once half the allowance is gone. */
  remainingHeader(): Record<string, string> {
    const { used, limit } = this.usage();
    return used >= limit / 2 ? { 'X-API-CREDITS-REMAINING': String(Math.max(0, limit - used)) } : {};
  }

  reset(): void {
    this.buckets = [];
    this.used = 0;
  }
}
