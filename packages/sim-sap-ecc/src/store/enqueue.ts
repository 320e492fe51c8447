/**
 * The enqueue server: exclusive locks on business objects (e.g. 'EKKO 4500000001',
 * 'LFA1 0000300001'), owned by a session until its LUW ends or the session is gone.
 */
export interface LockOwner {
  sessionId: number;
  user: string;
}

export class Enqueue {
  private readonly locks = new Map<string, LockOwner>();

  /** Returns the other owner when the object is already locked by someone else. */
  lock(object: string, owner: LockOwner): LockOwner | undefined {
    const holder = this.locks.get(object);
    if (holder && holder.sessionId !== owner.sessionId) return holder;
    this.locks.set(object, owner);
    return undefined;
  }

  holder(object: string): LockOwner | undefined {
    return this.locks.get(object);
  }

  releaseAll(sessionId: number): void {
    for (const [object, owner] of this.locks) if (owner.sessionId === sessionId) this.locks.delete(object);
  }

  list(): Array<{ object: string } & LockOwner> {
    return [...this.locks].map(([object, owner]) => ({ object, ...owner }));
  }
}
