import { COMPLEX_CONCURRENCY, editionConcurrency, editionDailyCredits, type ZohoEdition } from './zoho-editions.js';

export interface ZohoBudgetLimits {
  readonly concurrency: number;
  readonly complexConcurrency: number;
  readonly creditsPerDay: number;
}

export interface ZohoBudgetUsage extends ZohoBudgetLimits {
  readonly inFlight: number;
  readonly complexInFlight: number;
  readonly creditsUsed: number;
}

/** The budget said no: the org's daily credits would be exceeded. Waiting (up to 24 h) is the only cure. */
export class ZohoBudgetExhaustedError extends Error {
  override readonly name = 'ZohoBudgetExhaustedError';
}

const DAY_MS = 86_400_000;
const BUCKET_MS = 60_000;

class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  setLimit(limit: number): void {
    this.limit = limit;
    this.wake();
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    this.active -= 1;
    this.wake();
  }

  private wake(): void {
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active += 1;
      this.waiting.shift()?.();
    }
  }
}

/**
 * One org's API budget on this process: its edition's concurrency (with the pool of 10 for complex
 * calls) and its rolling 24 h credits. Calls queue for a slot instead of drawing Zoho's 429; credits
 * are counted in one-minute buckets like Zoho's rolling window, and corrected from
 * X-API-CREDITS-REMAINING whenever Zoho sends it. Replicas each hold their own budget, so a shared
 * org can still meet a 429 now and then: the client retries those.
 */
export class ZohoBudget {
  private readonly all: Semaphore;
  private readonly complex: Semaphore;
  private readonly buckets = new Map<number, number>();
  private limits: ZohoBudgetLimits;

  constructor(
    limits: ZohoBudgetLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = limits;
    this.all = new Semaphore(limits.concurrency);
    this.complex = new Semaphore(Math.min(limits.complexConcurrency, limits.concurrency));
  }

  static forEdition(edition: ZohoEdition, users = 1): ZohoBudget {
    return new ZohoBudget({ concurrency: editionConcurrency(edition), complexConcurrency: COMPLEX_CONCURRENCY, creditsPerDay: editionDailyCredits(edition, users) });
  }

  setLimits(limits: ZohoBudgetLimits): void {
    this.limits = limits;
    this.all.setLimit(limits.concurrency);
    this.complex.setLimit(Math.min(limits.complexConcurrency, limits.concurrency));
  }

  usage(): ZohoBudgetUsage {
    return { ...this.limits, inFlight: this.all.inFlight, complexInFlight: this.complex.inFlight, creditsUsed: this.creditsUsed() };
  }

  /** Waits for a slot and reserves the call's credits; the returned function frees the slot. */
  async acquire(credits: number, complex: boolean): Promise<() => void> {
    if (this.creditsUsed() + credits > this.limits.creditsPerDay) {
      throw new ZohoBudgetExhaustedError(`the org's ${this.limits.creditsPerDay} API credits per 24 h are used up`);
    }
    // Complex first: a call holding a general slot while it waits for a complex one would starve simple calls.
    if (complex) await this.complex.acquire();
    await this.all.acquire();
    this.charge(credits);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.all.release();
      if (complex) this.complex.release();
    };
  }

  /** Gives back credits of a call Zoho did not charge (it failed). */
  refund(credits: number): void {
    this.charge(-credits);
  }

  /** Zoho's own count wins when it tells us (the header shows up after half the allowance is used). */
  observeRemaining(remaining: number): void {
    const used = this.limits.creditsPerDay - remaining;
    const drift = used - this.creditsUsed();
    if (drift > 0) this.charge(drift);
  }

  private charge(credits: number): void {
    const bucket = Math.floor(this.now() / BUCKET_MS);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + credits);
  }

  private creditsUsed(): number {
    const oldest = Math.floor((this.now() - DAY_MS) / BUCKET_MS);
    let total = 0;
    for (const [bucket, credits] of this.buckets) {
      if (bucket <= oldest) this.buckets.delete(bucket);
      else total += credits;
    }
    return total;
  }
}
