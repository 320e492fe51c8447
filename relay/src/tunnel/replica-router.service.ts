import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  TunnelError,
  decodeAgentFrame,
  decodeRelayFrame,
  encodeAgentFrame,
  toTunnelError,
  type CommandBody,
  type ResultBody,
} from '@mlc/tunnel';
import { AGENT_REVOKED_CHANNEL } from '../agents/agents.service.js';
import { DATABASE_URL, RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { Logger } from '../common/logger.js';
import type { RelayConfig } from '../config/relay-config.js';
import type { CommandStream } from './command-stream.js';
import type { CallOptions, RelaySession } from './relay-session.js';
import { queryRows } from '../common/query-rows.js';
import { ROUTED_FRAME_LIMIT, RemoteStreamReaders, RoutedStreamRunner, encodeCommand, withdrawUntakenAfter, type RoutingBus } from './routed-stream.js';
import { SessionRegistry } from './session-registry.js';
import { UUID as UUID_PATTERN } from '../tenants/tenants.service.js';

interface RemoteWaiter {
  resolve(body: ResultBody): void;
  reject(err: TunnelError): void;
}

export interface RemoteLocation {
  agentId: string;
  replicaId: string;
}

/**
 * Lets any replica call an agent whose stream another replica holds, through PostgreSQL alone:
 * the command goes into `routed_command`, a NOTIFY wakes the holder, which takes it, runs it and
 * NOTIFYs the answer back. Replicas announce themselves in `relay_replica`; a replica that stops
 * heartbeating is ignored, so a killed replica's agents read as offline until they reconnect
 * elsewhere. A command sent in the moments before its holder is seen as dead is not taken: the
 * sender withdraws it after RELAY_REPLICA_STALE_MS and fails it as AGENT_OFFLINE (retryable, never
 * run) instead of waiting out its deadline.
 */
@Injectable()
export class ReplicaRouter implements OnApplicationShutdown {
  readonly replicaId = randomUUID();
  private listener: pg.Client | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly waiting = new Map<string, RemoteWaiter>();
  private readonly running = new Map<string, AbortController>();
  private shuttingDown = false;
  private readonly streamReaders: RemoteStreamReaders;
  private readonly streamRunner: RoutedStreamRunner;
  private readonly log: Logger;
  onRevoked: (agentId: string) => void = () => undefined;

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(RELAY_LOGGER) logger: Logger,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @InjectDataSource() private readonly db: DataSource,
    private readonly registry: SessionRegistry,
  ) {
    this.log = logger.child({ component: 'replica-router', replica: this.replicaId });
    const bus: RoutingBus = { db, notify: (replicaId, payload) => this.notify(replicaId, payload) };
    this.streamReaders = new RemoteStreamReaders(bus, this.replicaId, config.streamWindowBytes, config.replicaStaleMs);
    this.streamRunner = new RoutedStreamRunner(bus, config.streamWindowBytes, this.log);
  }

  private get channelName(): string {
    return replicaChannel(this.replicaId);
  }

  async start(): Promise<void> {
    await this.db.query(`INSERT INTO relay_replica (id, host) VALUES ($1, $2)`, [this.replicaId, hostname()]);
    await this.listen();
    this.heartbeatTimer = setInterval(() => void this.beat(), Math.max(250, Math.floor(this.config.replicaStaleMs / 4)));
    this.heartbeatTimer.unref();
  }

  /**
   * A dedicated connection LISTENs for this replica's notifications. If it drops (database
   * restart, failover), it is reopened, and routed commands that arrived meanwhile are run.
   */
  private async listen(): Promise<void> {
    const listener = new pg.Client({ connectionString: this.databaseUrl });
    this.listener = listener;
    let lost = false;
    const reconnect = (err?: Error): void => {
      if (lost || this.shuttingDown) return;
      lost = true;
      this.log.error({ err }, 'routing listener lost its database connection; reconnecting');
      void listener.end().catch(() => undefined);
      setTimeout(() => void this.relisten(), 1_000).unref();
    };
    listener.on('notification', (message) => this.onNotification(message.channel, message.payload ?? ''));
    listener.on('error', reconnect);
    listener.on('end', () => reconnect());
    await listener.connect();
    await listener.query(`LISTEN ${this.channelName}`);
    await listener.query(`LISTEN ${AGENT_REVOKED_CHANNEL}`);
  }

  private async relisten(): Promise<void> {
    try {
      await this.listen();
      const missed: Array<{ id: string }> = await this.db.query(
        `SELECT id FROM routed_command WHERE target_replica = $1 AND picked_at IS NULL AND deadline_at > now()`,
        [this.replicaId],
      );
      for (const { id } of missed) void this.runRouted(id);
      this.log.info({ missed: missed.length }, 'routing listener reconnected');
    } catch (err) {
      this.log.warn({ err }, 'routing listener could not reconnect yet');
      setTimeout(() => void this.relisten(), 2_000).unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.heartbeatTimer);
    for (const waiter of this.waiting.values()) waiter.reject(new TunnelError('UNAVAILABLE', 'relay replica is shutting down'));
    this.streamReaders.failAll(new TunnelError('UNAVAILABLE', 'relay replica is shutting down'));
    this.waiting.clear();
    await this.listener?.end().catch(() => undefined);
    await this.db.query(`DELETE FROM relay_replica WHERE id = $1`, [this.replicaId]).catch(() => undefined);
  }

  async sessionOpened(session: RelaySession): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_session (agent_id, replica_id, session_id, transport, connected_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (agent_id) DO UPDATE SET replica_id = $2, session_id = $3, transport = $4, in_flight = 0, connected_at = now()`,
      [session.agent.id, this.replicaId, session.sessionId, session.transport],
    );
  }

  async sessionClosed(agentId: string, sessionId: string): Promise<void> {
    await this.db.query(`DELETE FROM agent_session WHERE agent_id = $1 AND session_id = $2`, [agentId, sessionId]);
  }

  /** The live replica (other than this one) holding the agent's session, if any. */
  async locate(agentId: string): Promise<RemoteLocation | undefined> {
    const rows: Array<{ replica_id: string }> = await this.db.query(
      `SELECT s.replica_id FROM agent_session s JOIN relay_replica r ON r.id = s.replica_id
        WHERE s.agent_id = $1 AND s.replica_id <> $2 AND r.last_seen_at > now() - make_interval(secs => $3::float8 / 1000)`,
      [agentId, this.replicaId, this.config.replicaStaleMs],
    );
    return rows[0] && { agentId, replicaId: rows[0].replica_id };
  }

  /** The least busy group member held by another live replica, as last published. */
  async locateInGroup(tenantId: string, groupName: string): Promise<RemoteLocation | undefined> {
    const rows: Array<{ agent_id: string; replica_id: string }> = await this.db.query(
      `SELECT s.agent_id, s.replica_id FROM agent_session s
         JOIN agent a ON a.id = s.agent_id
         JOIN relay_replica r ON r.id = s.replica_id
        WHERE a.tenant_id = $1 AND a.group_name = $2 AND a.revoked_at IS NULL AND s.replica_id <> $3
          AND r.last_seen_at > now() - make_interval(secs => $4::float8 / 1000)
        ORDER BY s.in_flight, s.connected_at LIMIT 1`,
      [tenantId, groupName, this.replicaId, this.config.replicaStaleMs],
    );
    return rows[0] && { agentId: rows[0].agent_id, replicaId: rows[0].replica_id };
  }

  async agentTenant(agentId: string): Promise<string | undefined> {
    const rows: Array<{ tenant_id: string }> = await this.db.query(`SELECT tenant_id FROM agent WHERE id = $1`, [agentId]);
    return rows[0]?.tenant_id;
  }

  /** Runs a command on an agent held by another replica. */
  async forward(location: RemoteLocation, body: CommandBody, options: CallOptions): Promise<ResultBody> {
    const frame = encodeCommand(body, options);
    const rows: Array<{ id: string }> = await this.db.query(
      `INSERT INTO routed_command (origin_replica, target_replica, agent_id, command, deadline_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000)) RETURNING id`,
      [this.replicaId, location.replicaId, location.agentId, frame, options.deadlineMs],
    );
    const id = rows[0].id;
    const answer = new Promise<ResultBody>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    const give_up = (err: TunnelError): void => {
      const waiter = this.waiting.get(id);
      if (!waiter) return;
      this.waiting.delete(id);
      waiter.reject(err);
      void this.notify(location.replicaId, `cancel:${id}`);
      void this.db.query(`DELETE FROM routed_command WHERE id = $1`, [id]).catch(() => undefined);
    };
    const timer = setTimeout(() => give_up(new TunnelError('DEADLINE_EXCEEDED', `no answer within ${options.deadlineMs} ms (agent on replica ${location.replicaId})`)), options.deadlineMs);
    const pickup = withdrawUntakenAfter(this.db, id, location.replicaId, this.config.replicaStaleMs, give_up);
    const onAbort = (): void => give_up(new TunnelError('CANCELLED', 'the caller cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.notify(location.replicaId, `run:${id}`);
      return await answer;
    } finally {
      clearTimeout(timer);
      clearTimeout(pickup);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Runs a streamed command on an agent held by another replica; chunks come through PostgreSQL.
   * With a tenant, an agent of another tenant reads as offline.
   */
  forwardStreamTo(agentId: string, tenantId: string | undefined, body: CommandBody, options: CallOptions): CommandStream {
    const findHolder = async (): Promise<string> => {
      const location = UUID_PATTERN.test(agentId) ? await this.locate(agentId) : undefined;
      if (!location || (tenantId && (await this.agentTenant(agentId)) !== tenantId)) {
        throw new TunnelError('AGENT_OFFLINE', `agent ${agentId} is not connected to the relay`);
      }
      return location.replicaId;
    };
    return this.streamReaders.open(agentId, findHolder, body, options);
  }

  private notify(replicaId: string, payload: string): Promise<unknown> {
    return this.db.query(`SELECT pg_notify($1, $2)`, [replicaChannel(replicaId), payload]);
  }

  private onNotification(channel: string, payload: string): void {
    if (channel === AGENT_REVOKED_CHANNEL) return this.onRevoked(payload);
    const [verb, id, arg] = payload.split(':');
    switch (verb) {
      case 'run':
      case 'stream':
        void this.runRouted(id, verb === 'stream');
        return;
      case 'done':
        if (this.streamReaders.has(id)) this.streamReaders.onDone(id);
        else void this.collect(id);
        return;
      case 'chunk':
        this.streamReaders.onChunk(id, Number(arg));
        return;
      case 'credit':
        this.streamRunner.grant(id, Number(arg));
        return;
      case 'cancel':
        this.running.get(id)?.abort();
        this.streamRunner.cancel(id);
        return;
      default:
        this.log.warn({ payload }, 'unknown routing notification');
    }
  }

  /**
   * Takes a command another replica routed here (once: a command already taken, or withdrawn by a
   * sender that gave up on us, is left alone), executes it and publishes the answer.
   */
  private async runRouted(id: string, streamed = false): Promise<void> {
    if (this.running.has(id)) return;
    const rows = await queryRows<{ origin_replica: string; agent_id: string; command: Buffer; remaining_ms: number }>(
      this.db,
      `UPDATE routed_command SET picked_at = now() WHERE id = $1 AND picked_at IS NULL
       RETURNING origin_replica, agent_id, command, GREATEST(0, EXTRACT(EPOCH FROM deadline_at - now()) * 1000)::int AS remaining_ms`,
      [id],
    );
    const row = rows[0];
    if (!row) return;
    const abort = new AbortController();
    this.running.set(id, abort);
    let resultFrame: Buffer;
    try {
      const frame = decodeRelayFrame(row.command, ROUTED_FRAME_LIMIT);
      if (frame.kind !== 'command') throw new TunnelError('INTERNAL', `routed frame is a ${frame.kind}`);
      const { id: _ignored, deadline_ms: _d, correlation_id, stream_window_bytes, ...body } = frame.command;
      const session = this.registry.get(row.agent_id);
      if (!session) throw new TunnelError('AGENT_OFFLINE', `agent ${row.agent_id} is not connected`);
      const callOptions = { deadlineMs: Math.max(1, row.remaining_ms), signal: abort.signal, correlationId: correlation_id, streamWindowBytes: stream_window_bytes };
      if (streamed) {
        resultFrame = await this.streamRunner.run(id, row.origin_replica, session, body as CommandBody, callOptions);
      } else {
        const result = await session.call(body as CommandBody, callOptions);
        resultFrame = encodeAgentFrame({ kind: 'result', result: { command_id: 0, ...result } });
      }
    } catch (err) {
      resultFrame = encodeAgentFrame({ kind: 'result', result: { command_id: 0, error: toTunnelError(err).toWire() } });
    } finally {
      this.running.delete(id);
    }
    try {
      await this.db.query(`UPDATE routed_command SET result = $2 WHERE id = $1`, [id, resultFrame]);
      await this.notify(row.origin_replica, `done:${id}`);
    } catch (err) {
      this.log.error({ err, id }, 'could not publish a routed result');
    }
  }

  private async collect(id: string): Promise<void> {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    try {
      // TypeORM answers DELETE ... RETURNING as [rows, count]; a SELECT keeps the shape plain.
      const rows: Array<{ result: Buffer | null }> = await this.db.query(`SELECT result FROM routed_command WHERE id = $1`, [id]);
      await this.db.query(`DELETE FROM routed_command WHERE id = $1`, [id]);
      const bytes = rows[0]?.result;
      if (!bytes) throw new TunnelError('INTERNAL', 'routed command has no result');
      const frame = decodeAgentFrame(bytes, ROUTED_FRAME_LIMIT);
      if (frame.kind !== 'result') throw new TunnelError('INTERNAL', `routed answer is a ${frame.kind}`);
      if (frame.result.error) throw TunnelError.fromWire(frame.result.error);
      waiter.resolve(frame.result as ResultBody);
    } catch (err) {
      waiter.reject(toTunnelError(err));
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.db.query(`UPDATE relay_replica SET last_seen_at = now() WHERE id = $1`, [this.replicaId]);
      const sessions = this.registry.all().filter((s) => s.isOpen);
      if (sessions.length > 0) {
        await this.db.query(
          `UPDATE agent_session s SET in_flight = v.in_flight, rtt_ms = v.rtt_ms
             FROM unnest($1::uuid[], $2::int[], $3::real[]) AS v(agent_id, in_flight, rtt_ms) WHERE s.agent_id = v.agent_id`,
          [sessions.map((s) => s.agent.id), sessions.map((s) => s.inFlight), sessions.map((s) => s.rttMs ?? null)],
        );
        await this.db.query(`UPDATE agent SET last_seen_at = now() WHERE id = ANY($1::uuid[])`, [sessions.map((s) => s.agent.id)]);
      }
      // Replicas gone for a while take their stale session rows with them (ON DELETE CASCADE).
      await this.db.query(`DELETE FROM relay_replica WHERE last_seen_at < now() - make_interval(secs => $1::float8 / 100)`, [this.config.replicaStaleMs]);
      await this.db.query(`DELETE FROM routed_command WHERE deadline_at < now() - interval '1 minute'`);
    } catch (err) {
      this.log.warn({ err }, 'replica heartbeat failed');
    }
  }
}

function replicaChannel(replicaId: string): string {
  return `mlc_replica_${replicaId.replaceAll('-', '')}`;
}
