import { Inject, Injectable } from '@nestjs/common';
import type { ByteChannel, HealthReport, Transport } from '@mlc/tunnel';
import { TunnelError } from '@mlc/tunnel';
import { AgentsService } from '../agents/agents.service.js';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { Logger } from '../common/logger.js';
import type { RelayConfig } from '../config/relay-config.js';
import { RelaySession, type AgentCredentials, type SessionSettings } from './relay-session.js';
import { RelayMetrics } from '../metrics/relay-metrics.service.js';
import { transportName } from './transport-name.js';
import { ReplicaRouter } from './replica-router.service.js';
import { SessionRegistry } from './session-registry.js';

/** Where both tunnel servers hand their connections: one session layer for every transport. */
@Injectable()
export class TunnelGateway {
  private readonly settings: SessionSettings;
  private readonly log: Logger;
  private readonly unauthenticated = new Set<RelaySession>();

  constructor(
    @Inject(RELAY_CONFIG) config: RelayConfig,
    @Inject(RELAY_LOGGER) logger: Logger,
    private readonly agents: AgentsService,
    private readonly registry: SessionRegistry,
    private readonly router: ReplicaRouter,
    private readonly metrics: RelayMetrics,
  ) {
    this.log = logger.child({ component: 'tunnel' });
    this.settings = {
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      limits: {
        max_frame_bytes: config.maxFrameBytes,
        max_in_flight: config.maxInFlight,
        stream_window_bytes: config.streamWindowBytes,
        max_chunk_bytes: Math.min(1024 * 1024, Math.floor(config.maxFrameBytes / 2)),
      },
    };
  }

  accept(channel: ByteChannel, transport: Transport): RelaySession {
    const session = new RelaySession(
      channel,
      transport,
      this.settings,
      {
        findAgent: (id) => this.findAgent(id),
        onOpen: (s) => this.opened(s),
        onClose: (s, reason) => this.closed(s, reason),
        onRefused: (code) => this.metrics.handshakes.inc({ outcome: code }),
        onHealth: (s, report) => this.healthReported(s, report),
      },
      this.log,
    );
    this.unauthenticated.add(session);
    channel.onClose(() => this.unauthenticated.delete(session));
    return session;
  }

  /** Closes the live session of a revoked agent, wherever the revoke was made. */
  revokeLocal(agentId: string): void {
    this.registry.get(agentId)?.refuse(new TunnelError('AGENT_REVOKED', `agent ${agentId} was revoked by an administrator`));
  }

  /** Asks every connected agent to reconnect elsewhere, e.g. before this replica stops. */
  drainAll(reason: string, retryAfterMs: number): void {
    for (const session of this.registry.all()) session.drain(reason, retryAfterMs);
  }

  /** Resolves once no agent session is open here, or after timeoutMs. */
  async drained(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.registry.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private async findAgent(id: string): Promise<AgentCredentials | null> {
    const agent = await this.agents.findById(id);
    return agent && { id: agent.id, tenantId: agent.tenantId, groupName: agent.groupName, publicKey: agent.publicKey, revokedAt: agent.revokedAt };
  }

  private opened(session: RelaySession): void {
    this.unauthenticated.delete(session);
    this.metrics.handshakes.inc({ outcome: 'accepted' });
    const superseded = this.registry.add(session);
    superseded?.refuse(new TunnelError('PROTOCOL_VIOLATION', 'superseded by a newer session of the same agent'));
    const hello = session.hello;
    const info = { version: hello?.agent_version ?? '', transport: transportName(session.transport), hostname: hello?.hostname ?? '' };
    // Until the agent reports their health, its profiles are known by name and kind only.
    const profiles = (hello?.profiles ?? []).map((p) => ({ name: p.name, kind: p.kind, reachable: null, detail: 'not checked yet', checkedAt: null }));
    this.agents.recordSessionOpened(session.agent.id, { ...info, profiles }).catch((err: unknown) => this.log.error({ err }, 'could not record agent session'));
    this.router.sessionOpened(session).catch((err: unknown) => this.log.error({ err }, 'could not publish agent session'));
  }

  private healthReported(session: RelaySession, report: HealthReport): void {
    const profiles = report.profiles.map((p) => ({ name: p.name, kind: p.kind, reachable: p.reachable, detail: p.detail, checkedAt: new Date(Number(p.checked_at_ms)).toISOString() }));
    this.agents.recordProfiles(session.agent.id, profiles).catch((err: unknown) => this.log.error({ err }, 'could not record profile health'));
  }

  private closed(session: RelaySession, reason: string): void {
    const agentId = session.agent.id;
    if (!this.registry.remove(session, agentId)) return;
    this.router.sessionClosed(agentId, session.sessionId).catch((err: unknown) => this.log.error({ err, reason }, 'could not unpublish agent session'));
  }
}
