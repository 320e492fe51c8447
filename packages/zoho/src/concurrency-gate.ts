/**
 * One org's concurrency limits and the calls in flight against them, in memory shared between the
 * thread that owns the budget (it sets the limits and reads the counts) and Zoho's I/O thread (the
 * only one that starts and ends calls, so the only writer of the counts).
 */
export class GateCounters {
  private readonly cells: Int32Array;

  /** New counters (no limits yet: see setLimits), or a view of ones made on another thread. */
  constructor(readonly shared: SharedArrayBuffer = new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT)) {
    this.cells = new Int32Array(shared);
  }

  setLimits(limits: { concurrency: number; complexConcurrency: number }): void {
    Atomics.store(this.cells, LIMIT_ALL, limits.concurrency);
    Atomics.store(this.cells, LIMIT_COMPLEX, Math.min(limits.complexConcurrency, limits.concurrency));
  }

  get limitAll(): number {
    return Atomics.load(this.cells, LIMIT_ALL);
  }

  get limitComplex(): number {
    return Atomics.load(this.cells, LIMIT_COMPLEX);
  }

  get inFlight(): number {
    return Atomics.load(this.cells, ACTIVE_ALL);
  }

  /** Complex calls holding a complex slot: in flight, or waiting for a general one. */
  get complexInFlight(): number {
    return Atomics.load(this.cells, ACTIVE_COMPLEX);
  }

  /** After the I/O thread died with calls under way: none of them holds a slot any more. */
  clearInFlight(): void {
    Atomics.store(this.cells, ACTIVE_ALL, 0);
    Atomics.store(this.cells, ACTIVE_COMPLEX, 0);
  }

  add(cell: 'all' | 'complex', delta: 1 | -1): void {
    Atomics.add(this.cells, cell === 'all' ? ACTIVE_ALL : ACTIVE_COMPLEX, delta);
  }
}

const LIMIT_ALL = 0;
const LIMIT_COMPLEX = 1;
const ACTIVE_ALL = 2;
const ACTIVE_COMPLEX = 3;
const CELLS = 4;

/**
 * Calls waiting for a slot of one gate, started in arrival order as slots free up. A complex call
 * takes a complex slot first and then a general one: holding a general slot while it waits for a
 * complex one would starve simple calls.
 */
export class GateQueue {
  private readonly forComplex: Array<() => void> = [];
  private readonly forGeneral: Array<() => void> = [];

  constructor(readonly counters: GateCounters) {}

  /** Runs `start` once the call has its slots; the call gives them back with `leave`. */
  enter(complex: boolean, start: () => void): void {
    if (complex) this.forComplex.push(() => this.forGeneral.push(start));
    else this.forGeneral.push(start);
    this.pump();
  }

  leave(complex: boolean): void {
    this.counters.add('all', -1);
    if (complex) this.counters.add('complex', -1);
    this.pump();
  }

  /** Starts what the limits allow now (also after the limits were raised). */
  pump(): void {
    const { counters } = this;
    while (counters.complexInFlight < counters.limitComplex && this.forComplex.length > 0) {
      counters.add('complex', 1);
      this.forComplex.shift()?.();
    }
    while (counters.inFlight < counters.limitAll && this.forGeneral.length > 0) {
      counters.add('all', 1);
      this.forGeneral.shift()?.();
    }
  }

  get waiting(): number {
    return this.forComplex.length + this.forGeneral.length;
  }
}
