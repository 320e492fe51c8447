import type { SimClock } from './sim-clock.js';

/**
 * X3's failure modes, on demand:
 * - `no-pool`: the web-service pool cannot take the call (HTTP 500 "No Web services accepted").
 * - `success-with-errors`: the next mutations commit, yet the answer carries an error message.
 * Object locks are held by users through the admin API (X3Store.lock), and the licence's
 * web-service volume is metered by VolumeMeter.
 */
export const FAULT_KINDS = ['no-pool', 'success-with-errors'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export class FaultInjector {
  private readonly pending = new Map<FaultKind, number>();

  add(kind: FaultKind, count: number): void {
    this.pending.set(kind, (this.pending.get(kind) ?? 0) + count);
  }

  take(kind: FaultKind): boolean {
    const left = this.pending.get(kind) ?? 0;
    if (left <= 0) return false;
    this.pending.set(kind, left - 1);
    return true;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.pending);
  }

  clear(): void {
    this.pending.clear();
  }
}

export interface VolumeSettings {
  /** Licensed web-service bytes per period; 0 = unlimited. */
  volumeLimitBytes: number;
  volumePeriodMs: number;
  /** From this share of the limit on, every call is slowed down (X3's "grace" before it stops). */
  volumeGraceRatio: number;
  volumeGraceDelayMs: number;
}

export type VolumeState = 'ok' | 'grace' | 'exceeded';

/** The licence's web-service data volume (WSSIZELIMIT): slows down near the limit, then refuses. */
export class VolumeMeter {
  private periodStart: number;
  private used = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly settings: VolumeSettings,
  ) {
    this.periodStart = clock.now();
  }

  state(): VolumeState {
    this.roll();
    const { volumeLimitBytes, volumeGraceRatio } = this.settings;
    if (volumeLimitBytes <= 0) return 'ok';
    if (this.used >= volumeLimitBytes) return 'exceeded';
    return this.used >= volumeLimitBytes * volumeGraceRatio ? 'grace' : 'ok';
  }

  record(bytes: number): void {
    this.roll();
    this.used += bytes;
  }

  /** Milliseconds until the period ends and the meter starts again. */
  msToReset(): number {
    return Math.max(0, this.periodStart + this.settings.volumePeriodMs - this.clock.now());
  }

  snapshot(): { usedBytes: number; limitBytes: number; state: VolumeState; resetsInMs: number } {
    return { usedBytes: this.used, limitBytes: this.settings.volumeLimitBytes, state: this.state(), resetsInMs: this.msToReset() };
  }

  reset(): void {
    this.used = 0;
    this.periodStart = this.clock.now();
  }

  private roll(): void {
    const now = this.clock.now();
    if (now - this.periodStart < this.settings.volumePeriodMs) return;
    this.periodStart = now;
    this.used = 0;
  }
}

export interface CallEntry {
  at: string;
  api: 'api1' | 'graphql' | 'token' | 'other';
  method: string;
  path: string;
  status: number;
  user?: string;
  /** An auth refusal's reason, a fault, or an X3 error message. */
  note?: string;
}

/** The last calls, for tests and the admin API. */
export class CallLog {
  private readonly entries: CallEntry[] = [];

  constructor(private readonly max = 10_000) {}

  add(entry: CallEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
  }

  list(): readonly CallEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries.length = 0;
  }
}
