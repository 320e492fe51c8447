import type { EccDatabase } from '../store/ecc-database.js';
import type { Enqueue } from '../store/enqueue.js';

/**
 * One RFC session's logical unit of work. BAPIs register their database updates here (as SAP
 * registers update-task function modules); nothing reaches the database until COMMIT WORK, and a
 * rollback, a reset or a lost connection throws the updates away and frees the locks.
 */
export class LuwSession {
  private pending: Array<() => void> = [];

  constructor(
    readonly id: number,
    readonly user: string,
    private readonly enqueue: Enqueue,
    private readonly db: EccDatabase,
  ) {}

  get hasPendingWork(): boolean {
    return this.pending.length > 0;
  }

  /** Registers an update to run at commit (CALL FUNCTION ... IN UPDATE TASK). */
  onCommit(update: () => void): void {
    this.pending.push(update);
  }

  /**
   * COMMIT WORK. With `afterMs` the update task finishes that much later (COMMIT WORK without AND
   * WAIT): the caller gets control back before its data is visible, and the locks are held until
   * the updates ran, as with SAP's asynchronous update. The updates of one commit are one database
   * transaction: with a data directory they reach the disk together, when the update task runs.
   */
  commit(afterMs = 0): void {
    const updates = this.pending;
    this.pending = [];
    const run = (): void => {
      try {
        this.db.transaction(() => {
          for (const update of updates) update();
        });
      } finally {
        this.enqueue.releaseAll(this.id);
      }
    };
    if (afterMs > 0 && updates.length > 0) setTimeout(run, afterMs).unref();
    else run();
  }

  rollback(): void {
    this.pending = [];
    this.enqueue.releaseAll(this.id);
  }
}
