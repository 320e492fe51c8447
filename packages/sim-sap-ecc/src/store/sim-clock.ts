/** The simulator's clock; tests and the demo can shift it through the admin API. */
export class SimClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  /** SY-DATUM in the system's time zone, which the simulator runs in UTC. */
  date(): string {
    return this.now().toISOString().slice(0, 10).replace(/-/g, '');
  }

  /** SY-UZEIT. */
  time(): string {
    return this.now().toISOString().slice(11, 19).replace(/:/g, '');
  }
}
