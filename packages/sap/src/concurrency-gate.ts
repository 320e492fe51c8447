import { TunnelError } from '@mlc/tunnel';

/**
 * A FIFO counting semaphore. It is the hard cap on concurrent RFC connections per system:
 * node-rfc's Pool `high` only bounds idle connections, and opens a new one whenever none is idle.
 */
export class ConcurrencyGate {
  private inUse = 0;
  private readonly waiters: Array<{ grant: () => void; reject: (err: unknown) => void; signal?: AbortSignal; onAbort?: () => void }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new TunnelError('INVALID_ARGUMENT', `a concurrency limit must be a positive integer, got ${limit}`);
  }

  get active(): number {
    return this.inUse;
  }

  get queued(): number {
    return this.waiters.length;
  }

  enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.inUse < this.limit) {
      this.inUse += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { grant: resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  leave(): void {
    const next = this.waiters.shift();
    if (!next) {
      this.inUse -= 1;
      return;
    }
    // The slot passes straight to the next waiter, so `inUse` never dips and no newcomer jumps the queue.
    if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
    next.grant();
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new TunnelError('CANCELLED', 'cancelled while waiting for an RFC connection');
}
