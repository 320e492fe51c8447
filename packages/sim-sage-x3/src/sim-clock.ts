/**
 * The simulated X3 server's clock. Every expiry (JWTs, access and refresh tokens, locks, the
 * web-service volume period) and every update timestamp reads it, so a test can jump ahead or run
 * it faster than real time (rate 60 = one simulated minute per real second) and watch 5-minute
 * tokens expire in seconds. Its time also goes out in each response's Date header, as a real
 * server's would, which is how a client can notice clock skew.
 */
export class SimClock {
  private baseSimMs = Date.now();
  private baseRealMs = Date.now();
  private speed = 1;

  now(): number {
    return this.baseSimMs + (Date.now() - this.baseRealMs) * this.speed;
  }

  get rate(): number {
    return this.speed;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`cannot move the clock by ${ms} ms`);
    this.rebase();
    this.baseSimMs += ms;
  }

  setRate(rate: number): void {
    if (!(rate > 0 && rate <= 10_000)) throw new RangeError(`clock rate must be in (0, 10000], got ${rate}`);
    this.rebase();
    this.speed = rate;
  }

  reset(): void {
    this.baseSimMs = Date.now();
    this.baseRealMs = this.baseSimMs;
    this.speed = 1;
  }

  private rebase(): void {
    this.baseSimMs = this.now();
    this.baseRealMs = Date.now();
  }
}

/** X3 writes datetimes as ISO-8601 UTC, e.g. 2026-03-02T10:15:00.000Z. */
export function x3DateTime(ms: number): string {
  return new Date(ms).toISOString();
}
