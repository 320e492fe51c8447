import type { AttemptRecord } from './sync-records.repository.js';

/** Attempts journaled by one write, and whoever waits for them. */
interface Group {
  attempts: AttemptRecord[];
  linkIds: Set<string>;
  waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }>;
}

/**
 * Group commit for one run's journal: while writes are in flight, the attempts journaled meanwhile
 * wait and go together in the next write. A bulk load's concurrent Zoho batches then cost PostgreSQL
 * a few large statements instead of a dozen small ones competing for the same CPU. Each caller's
 * promise settles when its own attempts are stored, or rejects with the error of their write.
 * A group never holds two attempts on one link, so their order (and attempt numbers) stay exact.
 */
export class JournalBatcher {
  private readonly groups: Group[] = [];
  private writing = 0;

  constructor(
    private readonly write: (attempts: readonly AttemptRecord[]) => Promise<void>,
    private readonly options: { maxInFlight: number; maxGroup: number } = { maxInFlight: 2, maxGroup: 1_000 },
  ) {}

  add(attempts: readonly AttemptRecord[]): Promise<void> {
    if (attempts.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const group = this.groupFor(attempts);
      group.attempts.push(...attempts);
      for (const attempt of attempts) group.linkIds.add(attempt.linkId);
      group.waiters.push({ resolve, reject });
      this.pump();
    });
  }

  private groupFor(attempts: readonly AttemptRecord[]): Group {
    const last = this.groups[this.groups.length - 1];
    const fits = last && last.attempts.length + attempts.length <= this.options.maxGroup && attempts.every((a) => !last.linkIds.has(a.linkId));
    if (fits) return last;
    const group: Group = { attempts: [], linkIds: new Set(), waiters: [] };
    this.groups.push(group);
    return group;
  }

  private pump(): void {
    while (this.writing < this.options.maxInFlight && this.groups.length > 0) {
      const group = this.groups.shift() as Group;
      this.writing += 1;
      this.write(group.attempts).then(
        () => group.waiters.forEach((w) => w.resolve()),
        (err: unknown) => group.waiters.forEach((w) => w.reject(err)),
      ).finally(() => {
        this.writing -= 1;
        this.pump();
      });
    }
  }
}
