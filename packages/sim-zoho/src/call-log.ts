import type { JsonObject } from './http-kit.js';

export interface CallEntry {
  readonly at: string;
  readonly dc: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly credits: number;
}

export interface CallbackEntry {
  readonly at: string;
  readonly channelId: string;
  readonly notifyUrl: string;
  readonly body: JsonObject;
  /** 'dropped' when the drop knob ate it, else the HTTP status or the network error. */
  outcome: 'pending' | 'dropped' | number | string;
}

/** One POST to an accounts server's /oauth/v2/token: which grant, and `ok` or the error it answered. */
export interface TokenCallEntry {
  readonly at: string;
  readonly dc: string;
  readonly grantType: string;
  readonly outcome: string;
}

const MAX_ENTRIES = 10_000;

/** What the simulator received and sent, for tests to assert on; bounded so benchmarks do not grow it forever. */
export class CallLog {
  calls: CallEntry[] = [];
  callbacks: CallbackEntry[] = [];
  tokenCalls: TokenCallEntry[] = [];
  totalCalls = 0;
  totalCallbacks = 0;

  addCall(entry: CallEntry): void {
    this.totalCalls += 1;
    this.calls.push(entry);
    if (this.calls.length > MAX_ENTRIES) this.calls.splice(0, this.calls.length - MAX_ENTRIES);
  }

  addTokenCall(entry: TokenCallEntry): void {
    this.tokenCalls.push(entry);
    if (this.tokenCalls.length > MAX_ENTRIES) this.tokenCalls.splice(0, this.tokenCalls.length - MAX_ENTRIES);
  }

  addCallback(entry: CallbackEntry): void {
    this.totalCallbacks += 1;
    this.callbacks.push(entry);
    if (this.callbacks.length > MAX_ENTRIES) this.callbacks.splice(0, this.callbacks.length - MAX_ENTRIES);
  }

  clear(): void {
    this.calls = [];
    this.callbacks = [];
    this.tokenCalls = [];
    this.totalCalls = 0;
    this.totalCallbacks = 0;
  }
}
