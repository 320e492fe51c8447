/**
 * Every expiry in the simulator (grant codes, tokens, throttle windows, credits, watch channels,
 * page tokens) reads this clock, so a test can jump hours ahead without waiting.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance the clock by ${ms} ms`);
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** Zoho writes times as ISO-8601 with an offset and without milliseconds, e.g. 2026-11-24T09:58:09+00:00. */
export function zohoDateTime(ms: number): string {
  // A write of 100 records stamps each one: the text changes once a second, so the last one is kept.
  const second = Math.floor(ms / 1000);
  if (second !== lastStamp.second) lastStamp = { second, text: new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, '+00:00') };
  return lastStamp.text;
}

let lastStamp = { second: Number.NaN, text: '' };

/** Accepts Zoho's offset form and plain ISO; NaN when unparseable. */
export function parseZohoDateTime(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return Number.NaN;
  return Date.parse(text);
}

export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new RangeError(`invalid duration "${text}" (use e.g. 1h, 1d, 1w)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'ms'];
  return Number(match[1]) * unit;
}
