import { Worker } from 'node:worker_threads';
import type { GateCounters } from './concurrency-gate.js';
import type { FromIoThread, ToIoThread, WireAnswer, WireFailure, WireRequest } from './zoho-io.messages.js';

/** What the I/O thread needs of an org's budget: its gate, and word when its limits change. */
export interface ZohoGate {
  readonly gateId: number;
  readonly counters: GateCounters;
  onLimitsChanged(listener: () => void): void;
}

/** The call got no answer; `cause` is the socket's error as the I/O thread saw it. */
export class WireFailureError extends Error {
  override readonly name = 'WireFailureError';
  readonly code: string | undefined;

  constructor(failure: WireFailure) {
    super(failure.message);
    this.code = failure.code;
  }
}

interface Pending {
  resolve(answer: WireAnswer): void;
  reject(err: unknown): void;
}

/**
 * Zoho's HTTP calls, made on a thread of their own that also holds each org's concurrency slots.
 * A slot stands for a call at Zoho, and Zoho counts a call until it has answered: on the main thread
 * a slot waited for the event loop (mapping, journal JSON, tunnel reads) after Zoho's answer came,
 * and the next call waited again to go out, 5-10 ms per call on a busy relay. Here a slot turns over
 * as soon as Zoho answers, whatever the main thread is doing. Requests go out serialized and answers
 * come back as text, so the JSON work stays where the data is.
 *
 * One thread per process, started on the first call. It keeps the process alive only while calls
 * are under way. If it dies, the calls under way fail as unanswered (retryable) and the next call
 * starts a new one.
 */
export class ZohoIoThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  /** The gates the running worker knows, by id. */
  private readonly gates = new Map<number, GateCounters>();
  /** Budgets this thread listens to; a budget gone from memory takes its gate with it. */
  private readonly subscribed = new WeakSet<ZohoGate>();
  private readonly dropped = new FinalizationRegistry<number>((gateId) => this.drop(gateId));
  private nextId = 0;

  exchange(gate: ZohoGate, complex: boolean, request: WireRequest): Promise<WireAnswer> {
    const worker = this.running();
    if (!this.gates.has(gate.gateId)) this.register(worker, gate);
    const id = this.nextId++;
    return new Promise<WireAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      this.post(worker, { type: 'exchange', id, gate: gate.gateId, complex, request });
    });
  }

  /** Stops the thread; calls under way fail as unanswered. The next call starts a new thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.lost(worker, new Error("Zoho's I/O thread was closed"));
    await worker.terminate();
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./zoho-io.worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (message: FromIoThread) => this.settle(worker, message));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`Zoho's I/O thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private register(worker: Worker, gate: ZohoGate): void {
    this.post(worker, { type: 'gate', gate: gate.gateId, shared: gate.counters.shared });
    this.gates.set(gate.gateId, gate.counters);
    if (this.subscribed.has(gate)) return;
    this.subscribed.add(gate);
    gate.onLimitsChanged(() => this.wake(gate.gateId));
    this.dropped.register(gate, gate.gateId);
  }

  private wake(gateId: number): void {
    if (this.worker && this.gates.has(gateId)) this.post(this.worker, { type: 'wake', gate: gateId });
  }

  private drop(gateId: number): void {
    if (!this.gates.delete(gateId)) return;
    if (this.worker) this.post(this.worker, { type: 'drop', gate: gateId });
  }

  private settle(worker: Worker, message: FromIoThread): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) worker.unref();
    if (message.type === 'answer') pending.resolve(message.answer);
    else pending.reject(new WireFailureError(message.failure));
  }

  /** The worker died: its calls are unanswered, and the slots it held are free again. */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    for (const counters of this.gates.values()) counters.clearInFlight();
    this.gates.clear();
    const failure = new WireFailureError({ message: err.message });
    for (const pending of this.pending.values()) pending.reject(failure);
    this.pending.clear();
  }

  private post(worker: Worker, message: ToIoThread): void {
    worker.postMessage(message);
  }
}

/** The process's Zoho I/O thread, shared by every client (one set of sockets per Zoho host). */
export const zohoIoThread = new ZohoIoThread();
