/**
 * Values by key, filled in the background from batches that arrive in key order (an SAP table read
 * by keyed paging: the agent checks the order of every page). Whatever has arrived is usable at once:
 * once the read is past a key, every value at or below that key is in. An initial load writes its
 * first customers while KNB1 and KNKK are still being read, instead of waiting for both tables whole.
 */
export class KeyOrderedLookup<Row, Value> {
  private readonly values = new Map<string, Value>();
  private through: string | undefined;
  private finished = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private waiting: Array<{ key: string; resolve: () => void; reject: (err: unknown) => void }> = [];

  constructor(
    batches: AsyncIterable<Row[]>,
    private readonly keyOf: (row: Row) => string,
    private readonly valueOf: (row: Row) => Value,
  ) {
    void this.consume(batches);
  }

  get(key: string): Value | undefined {
    return this.values.get(key);
  }

  /** Settles once every row with a key at or below `key` has arrived; rejects if the read failed or was stopped. */
  readThrough(key: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.covers(key)) return Promise.resolve();
    if (this.closed) return Promise.reject(stopped());
    return new Promise((resolve, reject) => this.waiting.push({ key, resolve, reject }));
  }

  /** Stops reading after the batch under way (the load is over); whoever still waits is refused. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiting) waiter.reject(stopped());
    this.waiting = [];
  }

  private async consume(batches: AsyncIterable<Row[]>): Promise<void> {
    try {
      for await (const batch of batches) {
        for (const row of batch) this.values.set(this.keyOf(row), this.valueOf(row));
        const last = batch[batch.length - 1];
        if (last !== undefined) this.through = this.keyOf(last);
        this.wake();
        if (this.closed) return;
      }
      this.finished = true;
      this.wake();
    } catch (err) {
      this.failure = { error: err };
      for (const waiter of this.waiting) waiter.reject(err);
      this.waiting = [];
    }
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
