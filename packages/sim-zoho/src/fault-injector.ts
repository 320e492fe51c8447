import type { JsonObject } from './http-kit.js';

export type Fault =
  | { readonly kind: 'error'; readonly status: number; readonly body: JsonObject }
  | { readonly kind: 'reset' };

/** Deterministic faults for resilience tests: the next N API calls fail the way the test asked. */
export class FaultInjector {
  private queue: Fault[] = [];

  add(fault: Fault, count: number): void {
    for (let i = 0; i < count; i += 1) this.queue.push(fault);
  }

  take(): Fault | undefined {
    return this.queue.shift();
  }

  pending(): number {
    return this.queue.length;
  }

  clear(): void {
    this.queue = [];
  }
}

export function parseFault(input: JsonObject): { fault: Fault; count: number } | string {
  const count = input.count ?? 1;
  if (!Number.isInteger(count) || (count as number) < 1) return 'count must be a positive integer';
  if (input.mode === 'reset') return { fault: { kind: 'reset' }, count: count as number };
  const status = input.status ?? 500;
  if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) return 'status must be 400..599';
  const code = typeof input.code === 'string' ? input.code : 'INTERNAL_ERROR';
  const message = typeof input.message === 'string' ? input.message : 'Internal server error occurred.';
  return { fault: { kind: 'error', status: status as number, body: { code, details: {}, message, status: 'error' } }, count: count as number };
}
