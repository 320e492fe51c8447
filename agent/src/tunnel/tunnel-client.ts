import { setTimeout as sleep } from 'node:timers/promises';
import { TunnelError, type Transport } from '@mlc/tunnel';
import type { Logger } from 'pino';
import type { AgentConfig, TransportMode } from '../config/agent-config.js';
import { openGrpc, openWebSocket, type ConnectOptions, type OpenedChannel } from '../transport/connectors.js';
import { AgentSession, type AgentIdentity, type SessionEnd } from './agent-session.js';
import { backoffDelay } from './backoff.js';
import { RecentErrors } from '../health/recent-errors.js';
import type { ProfileHealth } from '../health/agent-status.js';
import type { AgentMetricEvents } from '../health/agent-metrics.js';

export interface TunnelClientOptions {
  /** Where the relay is; the rest of the agent's config is not the tunnel's business. */
  config: Pick<AgentConfig, 'relay'>;
  identity: AgentIdentity;
  transport: TransportMode;
  ca?: Buffer;
  log: Logger;
  connectTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** How the ERP profiles are doing; reported after each connect and then every healthIntervalMs. */
  health?: () => Promise<ProfileHealth[]>;
  healthIntervalMs?: number;
  /** Reconnects and commands, for the Prometheus metrics. */
  events?: AgentMetricEvents;
}

/** Refusals no reconnect can fix: the agent stops and says what to do. */
const FATAL_CODES = new Set(['UNAUTHENTICATED', 'AGENT_REVOKED', 'UNSUPPORTED_PROTOCOL']);

/** Exit code for a refusal only a person can fix (sysexits EX_CONFIG); the service unit does not restart on it. */
export const EXIT_CONFIG = 78;

// How long auto mode keeps going straight to WebSocket after gRPC failed to get through.
const GRPC_RETRY_AFTER_FALLBACK_MS = 10 * 60_000;

export interface TunnelStatus {
  state: 'connecting' | 'connected' | 'waiting' | 'stopped';
  transport: Transport | undefined;
  relayUrl: string | undefined;
  proxy: string | undefined;
  connectedSince: number | undefined;
  lastError: string | undefined;
}

/**
 * Keeps the agent connected: picks a transport (gRPC, falling back to WebSocket in auto mode),
 * reconnects with capped exponential backoff and full jitter, honours the relay's retry-after and
 * drain, and stops for good only on a refusal a person must fix.
 */
export class TunnelClient {
  private stopped = false;
  private session: AgentSession | undefined;
  private grpcFailedAt = 0;
  private wakeFromWait: AbortController | undefined;
  readonly recentErrors = new RecentErrors();
  readonly status: TunnelStatus = { state: 'connecting', transport: undefined, relayUrl: undefined, proxy: undefined, connectedSince: undefined, lastError: undefined };
  private readonly log: Logger;

  constructor(private readonly options: TunnelClientOptions) {
    this.log = options.log.child({ component: 'tunnel' });
  }

  /** Runs until stop() (resolves 0) or a fatal refusal (resolves EXIT_CONFIG). */
  async run(): Promise<number> {
    let failures = 0;
    while (!this.stopped) {
      this.status.state = 'connecting';
      const attempt = await this.connectOnce();
      if (attempt.kind === 'fatal') {
        this.log.error({ code: attempt.error.code }, `relay refused this agent: ${attempt.error.message}`);
        this.status.state = 'stopped';
        this.noteError(attempt.error.message);
        return EXIT_CONFIG;
      }
      let waitMs: number;
      if (attempt.kind === 'connected') {
        failures = 0;
        const stopReporting = this.reportHealthWhileConnected(attempt.session);
        const end = await attempt.session.done;
        stopReporting();
        this.session = undefined;
        this.status.connectedSince = undefined;
        waitMs = this.afterSession(end);
        if (waitMs < 0) return EXIT_CONFIG;
        if (!this.stopped) this.options.events?.reconnecting('session_ended');
      } else {
        failures += 1;
        this.options.events?.reconnecting('connect_failed');
        waitMs = Math.max(attempt.retryAfterMs, backoffDelay(failures, this.options.backoffBaseMs ?? 500, this.options.backoffCapMs ?? 30_000));
        this.log.warn({ waitMs, failures, reason: attempt.reason }, 'could not connect to the relay; retrying');
      }
      if (this.stopped) break;
      this.status.state = 'waiting';
      this.wakeFromWait = new AbortController();
      await sleep(waitMs, undefined, { signal: this.wakeFromWait.signal }).catch(() => undefined);
    }
    this.status.state = 'stopped';
    return 0;
  }

  /** SIGTERM path: tell the relay, finish in-flight commands for up to graceMs, disconnect. */
  async stop(reason: string, graceMs: number): Promise<void> {
    this.stopped = true;
    this.wakeFromWait?.abort();
    await this.session?.drain(reason, graceMs);
  }

  private reportHealthWhileConnected(session: AgentSession): () => void {
    const source = this.options.health;
    if (!source) return () => undefined;
    const report = (): void =>
      void source().then(
        (profiles) =>
          session.reportHealth({
            profiles: profiles.map((p) => ({ name: p.name, kind: p.kind, reachable: p.reachable, detail: p.detail, checked_at_ms: String(Date.parse(p.checkedAt)) })),
          }),
        (err: unknown) => this.log.warn({ reason: (err as Error).message }, 'could not probe the ERP profiles'),
      );
    report();
    const timer = setInterval(report, this.options.healthIntervalMs ?? 60_000);
    timer.unref();
    return () => clearInterval(timer);
  }

  private noteError(message: string): void {
    this.status.lastError = message;
    this.recentErrors.add(message);
  }

  get inFlight(): number {
    return this.session?.inFlight ?? 0;
  }

  get rttMs(): number | undefined {
    return this.session?.rttMs;
  }

  /** Returns how long to wait before reconnecting, or -1 to stop for good. */
  private afterSession(end: SessionEnd): number {
    if (this.stopped) return 0;
    switch (end.kind) {
      case 'drain':
        this.log.info({ reason: end.reason }, 'drained by the relay; reconnecting');
        return end.retryAfterMs + Math.floor(Math.random() * Math.max(1, end.retryAfterMs));
      case 'refused':
        this.noteError(end.error.message);
        if (FATAL_CODES.has(end.error.code)) {
          this.log.error({ code: end.error.code }, `relay refused this agent: ${end.error.message}`);
          return -1;
        }
        this.log.warn({ code: end.error.code, reason: end.error.message }, 'relay closed the session');
        return Math.max(end.error.retryAfterMs, backoffDelay(1, this.options.backoffBaseMs ?? 500, this.options.backoffCapMs ?? 30_000));
      case 'closed':
        this.noteError(end.reason);
        this.log.warn({ reason: end.reason }, 'tunnel closed; reconnecting');
        return backoffDelay(1, this.options.backoffBaseMs ?? 500, this.options.backoffCapMs ?? 30_000);
    }
  }

  private transportsToTry(): Transport[] {
    switch (this.options.transport) {
      case 'grpc':
        return ['TRANSPORT_GRPC'];
      case 'websocket':
        return ['TRANSPORT_WEBSOCKET'];
      case 'auto':
        return Date.now() - this.grpcFailedAt < GRPC_RETRY_AFTER_FALLBACK_MS ? ['TRANSPORT_WEBSOCKET', 'TRANSPORT_GRPC'] : ['TRANSPORT_GRPC', 'TRANSPORT_WEBSOCKET'];
    }
  }

  private async connectOnce(): Promise<
    { kind: 'connected'; session: AgentSession } | { kind: 'fatal'; error: TunnelError } | { kind: 'failed'; reason: string; retryAfterMs: number }
  > {
    const reasons: string[] = [];
    let retryAfterMs = 0;
    for (const transport of this.transportsToTry()) {
      if (this.stopped) break;
      const url = transport === 'TRANSPORT_GRPC' ? this.options.config.relay.grpcUrl : this.options.config.relay.wsUrl;
      try {
        const session = await this.establish(transport, url);
        // gRPC failed where WebSocket got through: something on the path breaks HTTP/2. Stay on
        // WebSocket for a while rather than paying the failed attempt on every reconnect.
        if (transport === 'TRANSPORT_WEBSOCKET' && reasons.length > 0 && this.options.transport === 'auto') {
          this.grpcFailedAt = Date.now();
          this.log.warn({ reason: reasons[0] }, 'gRPC did not get through; using the WebSocket fallback');
        }
        return { kind: 'connected', session };
      } catch (err) {
        if (err instanceof TunnelError && FATAL_CODES.has(err.code)) return { kind: 'fatal', error: err };
        if (err instanceof TunnelError) retryAfterMs = Math.max(retryAfterMs, err.retryAfterMs);
        const reason = `${transport === 'TRANSPORT_GRPC' ? 'gRPC' : 'WebSocket'} to ${url}: ${(err as Error).message}`;
        reasons.push(reason);
        this.noteError(reason);
      }
    }
    return { kind: 'failed', reason: reasons.join('; '), retryAfterMs };
  }

  private async establish(transport: Transport, url: string): Promise<AgentSession> {
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const connectOptions: ConnectOptions = { ca: this.options.ca, maxFrameBytes: 64 * 1024 * 1024, connectTimeoutMs };
    const opened: OpenedChannel = transport === 'TRANSPORT_GRPC' ? await openGrpc(url, connectOptions) : await openWebSocket(url, connectOptions);
    const session = new AgentSession(opened.channel, transport, this.options.identity, this.log, this.options.events);
    const timeout = setTimeout(() => session.close(`relay did not accept the agent within ${connectTimeoutMs} ms`), connectTimeoutMs);
    try {
      const welcome = await session.established;
      if (transport === 'TRANSPORT_GRPC') this.grpcFailedAt = 0;
      this.session = session;
      Object.assign(this.status, { state: 'connected', transport, relayUrl: url, proxy: opened.proxy, connectedSince: Date.now(), lastError: undefined });
      this.log.info({ url, proxy: opened.proxy, session: welcome.session_id }, 'connected to the relay');
      return session;
    } finally {
      clearTimeout(timeout);
    }
  }
}
