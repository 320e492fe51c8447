import { Injectable } from '@nestjs/common';
import type { RelaySession } from './relay-session.js';

/** The authenticated sessions this replica holds, by agent id. */
@Injectable()
export class SessionRegistry {
  private readonly byAgent = new Map<string, RelaySession>();

  /** Adds a session; returns the one it supersedes (the same agent reconnected), if any. */
  add(session: RelaySession): RelaySession | undefined {
    const previous = this.byAgent.get(session.agent.id);
    this.byAgent.set(session.agent.id, session);
    return previous === session ? undefined : previous;
  }

  /** Removes the session unless a newer one for the same agent has replaced it. */
  remove(session: RelaySession, agentId: string): boolean {
    if (this.byAgent.get(agentId) !== session) return false;
    this.byAgent.delete(agentId);
    return true;
  }

  get(agentId: string): RelaySession | undefined {
    return this.byAgent.get(agentId);
  }

  /** The accepting member of a site group with the fewest commands in flight. */
  leastBusyInGroup(tenantId: string, groupName: string): RelaySession | undefined {
    let best: RelaySession | undefined;
    for (const session of this.byAgent.values()) {
      if (!session.accepting) continue;
      const { tenantId: t, groupName: g } = session.agent;
      if (t !== tenantId || g !== groupName) continue;
      if (!best || session.inFlight < best.inFlight) best = session;
    }
    return best;
  }

  all(): RelaySession[] {
    return [...this.byAgent.values()];
  }

  get size(): number {
    return this.byAgent.size;
  }
}
