import { GateCounters } from './concurrency-gate.js';
import type { ZohoGate } from './zoho-io-thread.js';
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
let nextGateId = 1;

/**
 * One org's API budget on this process: its edition's concurrency (with the pool of 10 for complex
 * calls) and its rolling 24 h credits. Calls queue for a slot instead of drawing Zoho's 429 (on
 * Zoho's I/O thread, which holds the slots: see ZohoIoThread); credits are counted in one-minute
 * buckets like Zoho's rolling window, and corrected from X-API-CREDITS-REMAINING whenever Zoho sends
 * it. Replicas each hold their own budget, so a shared org can still meet a 429 now and then: the
 * client retries those.
 */
export class ZohoBudget implements ZohoGate {
  readonly gateId = nextGateId++;
  readonly counters: GateCounters;
  private readonly buckets = new Map<number, number>();
  private readonly limitListeners: Array<() => void> = [];
  private limits: ZohoBudgetLimits;

  constructor(
    limits: ZohoBudgetLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = limits;
    this.counters = new GateCounters();
    this.counters.setLimits(limits);
  }

  static forEdition(edition: ZohoEdition, users = 1): ZohoBudget {
    return new ZohoBudget({ concurrency: editionConcurrency(edition), complexConcurrency: COMPLEX_CONCURRENCY, creditsPerDay: editionDailyCredits(edition, users) });
  }

  setLimits(limits: ZohoBudgetLimits): void {
    this.limits = limits;
    this.counters.setLimits(limits);
    for (const listener of this.limitListeners) listener();
  }

  onLimitsChanged(listener: () => void): void {
    this.limitListeners.push(listener);
  }

  usage(): ZohoBudgetUsage {
    return { ...this.limits, inFlight: this.counters.inFlight, complexInFlight: this.counters.complexInFlight, creditsUsed: this.creditsUsed() };
  }

  /** Reserves a call's credits, or throws if the org's day is used up; refund what Zoho did not charge. */
  reserve(credits: number): void {
    if (this.creditsUsed() + credits > this.limits.creditsPerDay) {
      throw new ZohoBudgetExhaustedError(`the org's ${this.limits.creditsPerDay} API credits per 24 h are used up`);
    }
    this.charge(credits);
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
