import { randomBytes, randomUUID } from 'node:crypto';
import {
  HANDSHAKE_TIMEOUT_MS,
  HeartbeatMonitor,
  PROTOCOL_VERSION,
  TunnelError,
  decodeAgentFrame,
  encodeRelayFrame,
  verifyChallenge,
  type AgentFrame,
  type ByteChannel,
  type CommandBody,
  type HealthReport,
  type Hello,
  type Limits,
  type RelayFrame,
  type Result,
  type ResultBody,
  type Transport,
  streamWindowBytes,
} from '@mlc/tunnel';
import type { Logger } from '../common/logger.js';
import { CommandStream } from './command-stream.js';

/** What the session needs to know about an enrolled agent to authenticate it. */
export interface AgentCredentials {
  id: string;
  tenantId: string;
  groupName: string;
  publicKey: string;
  revokedAt: Date | null;
}

export interface SessionSettings {
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  limits: Limits;
}

export interface SessionHooks {
  findAgent(agentId: string): Promise<AgentCredentials | null>;
  onOpen(session: RelaySession): void;
  onClose(session: RelaySession, reason: string): void;
  /** A connection was refused (bad handshake, bad frame); for metrics. */
  onRefused?(code: string): void;
  /** The agent reported how its ERP profiles are doing. */
  onHealth?(session: RelaySession, report: HealthReport): void;
}

export interface CallOptions {
  /** Time the agent has to answer, in ms. */
  deadlineMs: number;
  signal?: AbortSignal;
  correlationId?: string;
  /** A streamed command's window, when smaller than the session's (see Command.stream_window_bytes). */
  streamWindowBytes?: number;
}

interface PendingCommand {
  resolve(body: ResultBody): void;
  reject(err: TunnelError): void;
  stream: CommandStream | undefined;
  timer: NodeJS.Timeout;
  detachSignal: () => void;
}

type State = 'awaiting_hello' | 'authenticating' | 'awaiting_proof' | 'open' | 'closed';

/**
 * The relay's side of one agent connection, whatever the transport: handshake, heartbeats, and
 * many concurrent commands multiplexed by id.
 */
export class RelaySession {
  readonly sessionId = randomUUID();
  private state: State = 'awaiting_hello';
  private agentCredentials: AgentCredentials | undefined;
  private helloFrame: Hello | undefined;
  private nonce: Buffer | undefined;
  private readonly pending = new Map<number, PendingCommand>();
  private nextCommandId = 1;
  private heartbeat: HeartbeatMonitor | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private draining = false;
  private authenticated = false;
  private log: Logger;
  readonly connectedAt = Date.now();

  constructor(
    private readonly channel: ByteChannel,
    readonly transport: Transport,
    private readonly settings: SessionSettings,
    private readonly hooks: SessionHooks,
    logger: Logger,
  ) {
    this.log = logger.child({ session: this.sessionId, transport, remote: channel.remoteAddress });
    channel.onMessage((message) => this.onMessage(message));
    channel.onClose((reason) => this.closed(reason));
    this.handshakeTimer = setTimeout(() => this.refuse(new TunnelError('PROTOCOL_VIOLATION', `no authenticated hello within ${HANDSHAKE_TIMEOUT_MS} ms`)), HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
  }

  /** The authenticated agent; valid from the Welcome on, including after the session closed. */
  get agent(): AgentCredentials {
    if (!this.agentCredentials || !this.authenticated) throw new Error('session is not authenticated');
    return this.agentCredentials;
  }

  get hello(): Hello | undefined {
    return this.helloFrame;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Open and not draining: may take new commands. */
  get accepting(): boolean {
    return this.state === 'open' && !this.draining;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get rttMs(): number | undefined {
    return this.heartbeat?.rttMs;
  }

  /** Runs a command on the agent and resolves with its result body. */
  call(body: CommandBody, options: CallOptions): Promise<ResultBody> {
    return new Promise((resolve, reject) => this.dispatch(body, options, { resolve, reject, stream: undefined }));
  }

  /** Runs a command whose result is streamed; iterate the returned stream to consume it. */
  stream(body: CommandBody, options: CallOptions): CommandStream {
    let id = 0;
    const stream = new CommandStream(
      streamWindowBytes(this.settings.limits.stream_window_bytes, options.streamWindowBytes),
      (bytes) => this.send({ kind: 'stream_credit', stream_credit: { command_id: id, bytes } }),
      () => this.abandon(id, 'the consumer stopped reading the stream'),
    );
    id = this.dispatch(body, options, { resolve: () => undefined, reject: (err) => stream.fail(err), stream });
    return stream;
  }

  /** Asks the agent to finish its work and reconnect later (to this or another replica). */
  drain(reason: string, retryAfterMs: number): void {
    if (this.state !== 'open') return;
    this.draining = true;
    this.send({ kind: 'drain', drain: { reason, retry_after_ms: retryAfterMs } });
  }

  /** Ends the session with a typed error frame the agent can show. */
  refuse(err: TunnelError): void {
    if (this.state === 'closed') return;
    this.log.warn({ code: err.code, agent: this.helloFrame?.agent_id, reason: err.message }, 'tunnel session refused');
    this.hooks.onRefused?.(err.code);
    this.send({ kind: 'error', error: err.toWire() });
    this.channel.close(err.message);
  }

  private dispatch(body: CommandBody, options: CallOptions, handlers: Pick<PendingCommand, 'resolve' | 'reject' | 'stream'>): number {
    if (!this.accepting) {
      handlers.reject(new TunnelError('AGENT_OFFLINE', 'agent session is closing; try again'));
      return 0;
    }
    if (this.pending.size >= this.settings.limits.max_in_flight) {
      handlers.reject(new TunnelError('OVERLOADED', `agent has ${this.pending.size} commands in flight, the limit`, { retryAfterMs: 100 }));
      return 0;
    }
    if (options.signal?.aborted) {
      handlers.reject(new TunnelError('CANCELLED', 'cancelled before it was sent'));
      return 0;
    }
    const id = this.allocateId();
    const onAbort = (): void => this.abandon(id, 'the caller cancelled', 'CANCELLED');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => this.abandon(id, `no answer within ${options.deadlineMs} ms`, 'DEADLINE_EXCEEDED'), options.deadlineMs);
    this.pending.set(id, { ...handlers, timer, detachSignal: () => options.signal?.removeEventListener('abort', onAbort) });
    const command = { id, deadline_ms: options.deadlineMs, correlation_id: options.correlationId ?? '', stream_window_bytes: options.streamWindowBytes ?? 0, ...body };
    this.send({ kind: 'command', command });
    return id;
  }

  private allocateId(): number {
    // uint32 ids wrap; skip 0 (the proto default) and any id still in flight.
    do {
      this.nextCommandId = this.nextCommandId >= 0xffffffff ? 1 : this.nextCommandId + 1;
    } while (this.pending.has(this.nextCommandId));
    return this.nextCommandId;
  }

  /** Gives up on a command here and tells the agent to stop working on it. */
  private abandon(id: number, reason: string, code: 'CANCELLED' | 'DEADLINE_EXCEEDED' = 'CANCELLED'): void {
    const pending = this.take(id);
    if (!pending) return;
    pending.reject(new TunnelError(code, `command ${code === 'CANCELLED' ? 'cancelled' : 'timed out'}: ${reason}`));
    this.send({ kind: 'cancel', cancel: { command_id: id, reason } });
  }

  private take(id: number): PendingCommand | undefined {
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.detachSignal();
    return pending;
  }

  private send(frame: RelayFrame): boolean {
    if (this.state === 'closed') return false;
    return this.channel.write(encodeRelayFrame(frame));
  }

  private onMessage(message: Buffer): void {
    let frame: AgentFrame;
    try {
      frame = decodeAgentFrame(message, this.settings.limits.max_frame_bytes);
    } catch (err) {
      this.refuse(err instanceof TunnelError ? err : new TunnelError('PROTOCOL_VIOLATION', String(err)));
      return;
    }
    this.heartbeat?.heard();
    switch (this.state) {
      case 'awaiting_hello':
        return frame.kind === 'hello' ? void this.onHello(frame.hello) : this.refuseUnexpected(frame.kind);
      case 'awaiting_proof':
        return frame.kind === 'auth_proof' ? this.onProof(frame.auth_proof.signature) : this.refuseUnexpected(frame.kind);
      case 'authenticating':
        return this.refuseUnexpected(frame.kind);
      case 'open':
        return this.onOpenFrame(frame);
      case 'closed':
        return;
    }
  }

  private refuseUnexpected(kind: string): void {
    this.refuse(new TunnelError('PROTOCOL_VIOLATION', `unexpected ${kind} frame while ${this.state.replace('_', ' ')}`));
  }

  private async onHello(hello: Hello): Promise<void> {
    this.state = 'authenticating';
    this.helloFrame = hello;
    if (hello.protocol_version !== PROTOCOL_VERSION) {
      this.refuse(new TunnelError('UNSUPPORTED_PROTOCOL', `agent speaks tunnel protocol ${hello.protocol_version}; this relay speaks ${PROTOCOL_VERSION}`));
      return;
    }
    let agent: AgentCredentials | null;
    try {
      agent = await this.hooks.findAgent(hello.agent_id);
    } catch (err) {
      this.log.error({ err }, 'agent lookup failed');
      this.refuse(new TunnelError('UNAVAILABLE', 'relay cannot check agent credentials right now', { retryAfterMs: 5_000 }));
      return;
    }
    if (this.state !== 'authenticating') return;
    if (!agent) {
      this.refuse(new TunnelError('UNAUTHENTICATED', `agent ${hello.agent_id || '(no id)'} is not enrolled with this relay; enroll it again`));
      return;
    }
    if (agent.revokedAt) {
      this.refuse(new TunnelError('AGENT_REVOKED', `agent ${agent.id} was revoked at ${agent.revokedAt.toISOString()}; enroll it again`));
      return;
    }
    this.agentCredentials = agent;
    this.nonce = randomBytes(32);
    this.state = 'awaiting_proof';
    this.send({ kind: 'auth_challenge', auth_challenge: { nonce: this.nonce, relay_time_ms: String(Date.now()) } });
  }

  private onProof(signature: Buffer): void {
    const agent = this.agentCredentials;
    const nonce = this.nonce;
    // The nonce is spent whatever the outcome: a proof is never checked twice.
    this.nonce = undefined;
    if (!agent || !nonce || !verifyChallenge(agent.publicKey, agent.id, nonce, signature)) {
      this.refuse(new TunnelError('UNAUTHENTICATED', 'key proof does not match the key enrolled for this agent'));
      return;
    }
    clearTimeout(this.handshakeTimer);
    this.state = 'open';
    this.authenticated = true;
    const { heartbeatIntervalMs, heartbeatTimeoutMs, limits } = this.settings;
    this.send({
      kind: 'welcome',
      welcome: { session_id: this.sessionId, heartbeat_interval_ms: heartbeatIntervalMs, heartbeat_timeout_ms: heartbeatTimeoutMs, limits, relay_time_ms: String(Date.now()) },
    });
    this.heartbeat = new HeartbeatMonitor({
      intervalMs: heartbeatIntervalMs,
      timeoutMs: heartbeatTimeoutMs,
      inFlight: () => this.pending.size,
      send: (heartbeat) => this.send({ kind: 'heartbeat', heartbeat }),
      onDead: (silentFor) => this.channel.close(`no frame from the agent for ${silentFor} ms`),
    });
    this.heartbeat.start();
    this.log = this.log.child({ agent: agent.id, tenant: agent.tenantId });
    this.log.info({ version: this.helloFrame?.agent_version, hostname: this.helloFrame?.hostname }, 'agent connected');
    this.hooks.onOpen(this);
  }

  private onOpenFrame(frame: AgentFrame): void {
    switch (frame.kind) {
      case 'result':
        return this.onResult(frame.result);
      case 'result_chunk': {
        const pending = this.pending.get(frame.result_chunk.command_id);
        pending?.stream?.push(frame.result_chunk.seq, frame.result_chunk.data);
        return;
      }
      case 'heartbeat':
        this.heartbeat?.received(frame.heartbeat);
        return;
      case 'draining':
        this.draining = true;
        this.log.info({ reason: frame.draining.reason }, 'agent is draining');
        return;
      case 'error':
        this.log.warn({ code: frame.error.code, reason: frame.error.message }, 'agent reported a session error');
        return;
      case 'health':
        this.hooks.onHealth?.(this, frame.health);
        return;
      case 'hello':
      case 'auth_proof':
        return this.refuseUnexpected(frame.kind);
    }
  }

  private onResult(result: Result): void {
    const pending = this.take(result.command_id);
    // A result for a command we already gave up on (deadline, cancel) is expected and dropped.
    if (!pending) return;
    if (result.error) {
      const err = TunnelError.fromWire(result.error);
      pending.stream?.fail(err);
      pending.reject(err);
      return;
    }
    if (!result.body) {
      pending.reject(new TunnelError('PROTOCOL_VIOLATION', 'result carries neither a body nor an error'));
      return;
    }
    if (pending.stream) {
      if (result.body === 'stream_end') pending.stream.finish(result.stream_end);
      else pending.stream.fail(new TunnelError('PROTOCOL_VIOLATION', `streamed command answered with ${result.body}`));
    }
    pending.resolve(result as ResultBody);
  }

  private closed(reason: string): void {
    if (this.state === 'closed') return;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    clearTimeout(this.handshakeTimer);
    this.heartbeat?.stop();
    for (const id of [...this.pending.keys()]) {
      this.take(id)?.reject(
        new TunnelError('UNAVAILABLE', `agent disconnected (${reason}); the command may or may not have run`, { detail: { maybe_executed: 'true' } }),
      );
    }
    if (wasOpen) {
      this.log.info({ reason }, 'agent disconnected');
      this.hooks.onClose(this, reason);
    }
  }
}
