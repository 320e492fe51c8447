export interface RecentError {
  at: string;
  message: string;
}

/** The last few errors, newest first, for `mlc-agent status`. */
export class RecentErrors {
  private readonly entries: RecentError[] = [];

  constructor(private readonly capacity = 10) {}

  add(message: string, at = new Date()): void {
    if (this.entries[0]?.message === message) {
      this.entries[0].at = at.toISOString();
      return;
    }
    this.entries.unshift({ at: at.toISOString(), message });
    this.entries.length = Math.min(this.entries.length, this.capacity);
  }

  list(): RecentError[] {
    return this.entries.map((e) => ({ ...e }));
  }
}
