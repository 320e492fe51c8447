/**
 * How far an ordered load is done when its batches finish out of order: batches are begun in key
 * order, and `through` is the last key of the longest run of finished batches from the start, so
 * every record up to it is done whatever is still in flight.
 */
export class OrderedProgress {
  private begun = 0;
  private doneCount = 0;
  private readonly lastKeys = new Map<number, string>();
  private readonly finished = new Set<number>();
  private doneThrough: string | undefined;

  constructor(resumedThrough?: string) {
    this.doneThrough = resumedThrough;
  }

  /** A batch ending at `lastKey` starts; returns its ticket for finish(). */
  begin(lastKey: string): number {
    const ticket = this.begun;
    this.begun += 1;
    this.lastKeys.set(ticket, lastKey);
    return ticket;
  }

  finish(ticket: number): void {
    this.finished.add(ticket);
    while (this.finished.delete(this.doneCount)) {
      this.doneThrough = this.lastKeys.get(this.doneCount);
      this.lastKeys.delete(this.doneCount);
      this.doneCount += 1;
    }
  }

  /** The key through which every record is done (undefined: none yet). */
  get through(): string | undefined {
    return this.doneThrough;
  }
}
