/**
 * Values by key, filled in the background from batches that arrive in key order (an SAP table read
 * by keyed paging: the agent checks the order of every page). Whatever has arrived is usable at once:
 * once the read is past a key, every value at or below that key is in. An initial load writes its
 * first customers while KNB1 and KNKK are still being read, instead of waiting for both tables whole.
 *
 * The read stays at most `aheadRows` rows past the furthest key asked for, and waits there: reading
 * whole tables up front would take the CPU from the writes that are under way (on the bench's two
 * cores, Zoho calls took twice their 50 ms while KNB1 and KNKK were read at full speed) and hold them
 * in memory for nothing.
 */
export class KeyOrderedLookup<Row, Value> {
  private readonly values = new Map<string, Value>();
  /** The keys of `values` in arrival order, from `kept` on (see forgetThrough). */
  private readonly arrived: string[] = [];
  private kept = 0;
  private through: string | undefined;
  private finished = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private waiting: Array<{ key: string; resolve: () => void; reject: (err: unknown) => void }> = [];
  /** The furthest key asked for so far. */
  private wanted: string | undefined;
  /** Batches read past `wanted`: each one's last key and row count, in key order. */
  private readonly ahead: Array<{ last: string; rows: number }> = [];
  private rowsAhead = 0;
  /** Resumes a read that waits for room ahead. */
  private resume: (() => void) | undefined;

  constructor(
    batches: AsyncIterable<Row[]>,
    private readonly keyOf: (row: Row) => string,
    private readonly valueOf: (row: Row) => Value,
    private readonly aheadRows = Number.POSITIVE_INFINITY,
  ) {
    void this.consume(batches);
  }

  get(key: string): Value | undefined {
    return this.values.get(key);
  }

  /**
   * Drops the values at or below `key`, which nobody will ask for again (a load whose batches are
   * written through there): a load keeps only what is ahead of its writes, not whole tables.
   */
  forgetThrough(key: string): void {
    // Walking the Map from its oldest entry would also walk every hole its deletions left (until it
    // next grows), so the keys are kept in arrival (= key) order beside it.
    while (this.kept < this.arrived.length && (this.arrived[this.kept] as string) <= key) {
      this.values.delete(this.arrived[this.kept] as string);
      this.kept += 1;
    }
    if (this.kept > 4_096 && this.kept * 2 > this.arrived.length) {
      this.arrived.splice(0, this.kept);
      this.kept = 0;
    }
  }

  /** Settles once every row with a key at or below `key` has arrived; rejects if the read failed or was stopped. */
  readThrough(key: string): Promise<void> {
    this.want(key);
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.covers(key)) return Promise.resolve();
    if (this.closed) return Promise.reject(stopped());
    return new Promise((resolve, reject) => this.waiting.push({ key, resolve, reject }));
  }

  /** Stops reading after the batch under way (the load is over); whoever still waits is refused. */
  close(): void {
    this.closed = true;
    this.resume?.();
    for (const waiter of this.waiting) waiter.reject(stopped());
    this.waiting = [];
  }

  private async consume(batches: AsyncIterable<Row[]>): Promise<void> {
    const read = batches[Symbol.asyncIterator]();
    try {
      for (;;) {
        while (this.rowsAhead >= this.aheadRows && !this.closed) await new Promise<void>((resolve) => (this.resume = resolve));
        this.resume = undefined;
        if (this.closed) break;
        const next = await read.next();
        if (next.done) {
          this.finished = true;
          this.wake();
          return;
        }
        this.take(next.value);
      }
      await read.return?.();
    } catch (err) {
      this.failure = { error: err };
      for (const waiter of this.waiting) waiter.reject(err);
      this.waiting = [];
    }
  }

  private take(batch: Row[]): void {
    const last = batch[batch.length - 1];
    if (last === undefined) return;
    for (const row of batch) {
      const key = this.keyOf(row);
      this.values.set(key, this.valueOf(row));
      this.arrived.push(key);
    }
    this.through = this.keyOf(last);
    if (this.wanted === undefined || this.through > this.wanted) {
      this.ahead.push({ last: this.through, rows: batch.length });
      this.rowsAhead += batch.length;
    }
    this.wake();
  }

  /** A reader asks for `key`: batches now at or below it are no longer ahead, which may make room. */
  private want(key: string): void {
    if (this.wanted !== undefined && key <= this.wanted) return;
    this.wanted = key;
    for (let first = this.ahead[0]; first !== undefined && first.last <= key; first = this.ahead[0]) {
      this.ahead.shift();
      this.rowsAhead -= first.rows;
    }
    if (this.rowsAhead < this.aheadRows) this.resume?.();
  }

  private covers(key: string): boolean {
    return this.finished || (this.through !== undefined && key <= this.through);
  }

  private wake(): void {
    const still: typeof this.waiting = [];
    for (const waiter of this.waiting) {
      if (this.covers(waiter.key)) waiter.resolve();
      else still.push(waiter);
    }
    this.waiting = still;
  }
}

function stopped(): Error {
  return new Error('the read was stopped before it got there');
}
