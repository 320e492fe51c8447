import { Injectable } from '@nestjs/common';
import { TunnelError, type CommandBody, type ResultBody } from '@mlc/tunnel';
import type { CommandStream } from './command-stream.js';
import type { RelaySession } from './relay-session.js';
import { UUID } from '../tenants/tenants.service.js';
import { RelayMetrics } from '../metrics/relay-metrics.service.js';
import { ReplicaRouter } from './replica-router.service.js';
import { SessionRegistry } from './session-registry.js';

export interface AgentCallOptions {
  /** Time the agent has to answer, in ms (default 30 s). */
  deadlineMs?: number;
  signal?: AbortSignal;
  correlationId?: string;
  /** When given, an agent of another tenant reads as offline: tenants never reach each other's agents. */
  tenantId?: string;
  /** A streamed command's window, when it should be smaller than the session's (a read consumed slowly on purpose). */
  streamWindowBytes?: number;
}

const DEFAULT_DEADLINE_MS = 30_000;

/**
 * What the rest of the relay calls to run commands on agents. It hides where the agent's stream
 * lives: on this replica, on another one (routed through PostgreSQL), or nowhere (a typed
 * AGENT_OFFLINE at once, never a hang).
 */
@Injectable()
export class AgentChannel {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly router: ReplicaRouter,
    private readonly metrics: RelayMetrics,
  ) {}

  async call(agentId: string, body: CommandBody, options: AgentCallOptions = {}): Promise<ResultBody> {
    return this.measured(body, () => this.route(agentId, body, options));
  }

  private async route(agentId: string, body: CommandBody, options: AgentCallOptions): Promise<ResultBody> {
    const callOptions = { ...options, deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS };
    const local = this.localSession(agentId, options.tenantId);
    if (local) return local.call(body, callOptions);
    if (!UUID.test(agentId)) throw offline(`agent ${agentId}`);
    const remote = await this.router.locate(agentId);
    if (remote && (!options.tenantId || (await this.belongsTo(agentId, options.tenantId)))) {
      return this.router.forward(remote, body, callOptions);
    }
    throw offline(`agent ${agentId}`);
  }

  /**
   * Runs a streamed command; iterate the result. An agent held by another replica streams
   * through PostgreSQL with the same flow control; an offline agent fails the stream at once.
   */
  stream(agentId: string, body: CommandBody, options: AgentCallOptions = {}): CommandStream {
    const callOptions = { ...options, deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS };
    const local = this.localSession(agentId, options.tenantId);
    if (local) return local.stream(body, callOptions);
    return this.router.forwardStreamTo(agentId, options.tenantId, body, callOptions);
  }

  /**
   * Runs a command on the connected member of a site group with the fewest commands in flight,
   * preferring members on this replica; says which agent ran it.
   */
  async callGroup(tenantId: string, groupName: string, body: CommandBody, options: AgentCallOptions = {}): Promise<{ agentId: string; result: ResultBody }> {
    return this.measured(body, () => this.routeToGroup(tenantId, groupName, body, options));
  }

  private async routeToGroup(tenantId: string, groupName: string, body: CommandBody, options: AgentCallOptions): Promise<{ agentId: string; result: ResultBody }> {
    const callOptions = { ...options, deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS };
    const local = this.registry.leastBusyInGroup(tenantId, groupName);
    if (local) return { agentId: local.agent.id, result: await local.call(body, callOptions) };
    const remote = await this.router.locateInGroup(tenantId, groupName);
    if (remote) return { agentId: remote.agentId, result: await this.router.forward(remote, body, callOptions) };
    throw offline(`no agent of group "${groupName}"`);
  }

  /**
   * The agent of a site group that should take the next command: a connected member on this
   * replica with the fewest in flight, else one held by another replica. AGENT_OFFLINE when none is.
   */
  async agentOfGroup(tenantId: string, groupName: string): Promise<string> {
    const local = this.registry.leastBusyInGroup(tenantId, groupName);
    if (local) return local.agent.id;
    const remote = await this.router.locateInGroup(tenantId, groupName);
    if (remote) return remote.agentId;
    throw offline(`no agent of group "${groupName}"`);
  }

  private async measured<T>(body: CommandBody, run: () => Promise<T>): Promise<T> {
    const stopTimer = this.metrics.commandSeconds.startTimer({ kind: body.body });
    try {
      const result = await run();
      this.metrics.commands.inc({ kind: body.body, outcome: 'ok' });
      return result;
    } catch (err) {
      this.metrics.commands.inc({ kind: body.body, outcome: err instanceof TunnelError ? err.code : 'INTERNAL' });
      throw err;
    } finally {
      stopTimer();
    }
  }

  /** Whether this replica holds an accepting session for the agent. */
  isLocal(agentId: string): boolean {
    return Boolean(this.registry.get(agentId)?.accepting);
  }

  private localSession(agentId: string, tenantId: string | undefined): RelaySession | undefined {
    const session = this.registry.get(agentId);
    if (!session?.accepting) return undefined;
    if (tenantId && session.agent.tenantId !== tenantId) return undefined;
    return session;
  }

  private async belongsTo(agentId: string, tenantId: string): Promise<boolean> {
    return this.router.agentTenant(agentId).then((t) => t === tenantId);
  }
}

function offline(what: string): TunnelError {
  return new TunnelError('AGENT_OFFLINE', `${what} is not connected to the relay`);
}
