import type { KeyObject } from 'node:crypto';
import { hostname } from 'node:os';
import {
  HeartbeatMonitor,
  PROTOCOL_VERSION,
  TunnelError,
  decodeRelayFrame,
  encodeAgentFrame,
  signChallenge,
  toTunnelError,
  type AgentFrame,
  type ByteChannel,
  type HealthReport,
  type Command,
  type Profile,
  type RelayFrame,
  type Transport,
  type Welcome,
  streamWindowBytes,
} from '@mlc/tunnel';
import type { Logger } from 'pino';
import { COMMAND_KINDS, STREAMED_COMMANDS, runCommand, type CommandContext } from '../commands/command-handlers.js';
import { StreamWriter } from './stream-writer.js';
import type { AgentMetricEvents } from '../health/agent-metrics.js';

// A child logger per command costs a bindings serialisation on the hot path; most commands never
// log, so it is made on first use.
function commandContext(log: Logger, command: Command, signal: AbortSignal, stream: StreamWriter | undefined): CommandContext {
  let child: Logger | undefined;
  return {
    signal,
    stream,
    get log(): Logger {
      child ??= log.child({ command: command.id, correlation: command.correlation_id || undefined });
      return child;
    },
  };
}

export interface AgentIdentity {
  agentId: string;
  privateKey: KeyObject;
  version: string;
  profiles: Profile[];
}

/** Why a session ended, so the connect loop can choose what to do next. */
export type SessionEnd =
  | { kind: 'closed'; reason: string; established: boolean }
  | { kind: 'drain'; reason: string; retryAfterMs: number }
  | { kind: 'refused'; error: TunnelError };

interface RunningCommand {
  abort: AbortController;
  writer: StreamWriter | undefined;
}

// Frames before the Welcome are few and small; anything big before auth is hostile.
const PRE_AUTH_FRAME_LIMIT = 64 * 1024;

/**
 * The agent's side of one connection: hello, proof, then commands run concurrently, each with
 * its own AbortController, deadline and (for streams) credit window.
 */
export class AgentSession {
  private welcome: Welcome | undefined;
  private heartbeat: HeartbeatMonitor | undefined;
  private readonly running = new Map<number, RunningCommand>();
  private ended: SessionEnd | undefined;
  private drainRequest: { reason: string; retryAfterMs: number } | undefined;
  private resolveEnd!: (end: SessionEnd) => void;
  private resolveWelcome!: (welcome: Welcome) => void;
  private rejectWelcome!: (err: Error) => void;
  private idleWaiters: Array<() => void> = [];
  /** Settles when the session is over, for any reason. */
  readonly done: Promise<SessionEnd>;
  /** Settles when the relay has accepted the agent. */
  readonly established: Promise<Welcome>;
  private readonly log: Logger;

  constructor(
    private readonly channel: ByteChannel,
    readonly transport: Transport,
    private readonly identity: AgentIdentity,
    logger: Logger,
    private readonly events?: AgentMetricEvents,
  ) {
    this.log = logger.child({ transport });
    this.done = new Promise((resolve) => (this.resolveEnd = resolve));
    this.established = new Promise((resolve, reject) => {
      this.resolveWelcome = resolve;
      this.rejectWelcome = reject;
    });
    this.established.catch(() => undefined);
    channel.onMessage((message) => this.onMessage(message));
    channel.onClose((reason) => this.finish({ kind: 'closed', reason, established: Boolean(this.welcome) }));
    this.send({
      kind: 'hello',
      hello: {
        agent_id: identity.agentId,
        agent_version: identity.version,
        protocol_version: PROTOCOL_VERSION,
        capabilities: [...COMMAND_KINDS],
        profiles: identity.profiles,
        transport,
        hostname: hostname(),
      },
    });
  }

  get inFlight(): number {
    return this.running.size;
  }

  get rttMs(): number | undefined {
    return this.heartbeat?.rttMs;
  }

  /** Stops taking work: tells the relay, waits for in-flight commands (up to graceMs), closes. */
  async drain(reason: string, graceMs: number): Promise<void> {
    if (this.welcome) this.send({ kind: 'draining', draining: { reason } });
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    for (const command of this.running.values()) command.abort.abort(new TunnelError('CANCELLED', `agent is shutting down: ${reason}`));
    this.channel.close(reason);
  }

  close(reason: string): void {
    this.channel.close(reason);
  }

  /** Tells the relay how the ERP profiles are doing. */
  reportHealth(report: HealthReport): void {
    if (this.welcome && !this.ended) this.send({ kind: 'health', health: report });
  }

  private idle(): Promise<void> {
    return this.running.size === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private send(frame: AgentFrame): boolean {
    return this.channel.write(encodeAgentFrame(frame));
  }

  private finish(end: SessionEnd): void {
    if (this.ended) return;
    const final: SessionEnd = this.drainRequest && end.kind === 'closed' ? { kind: 'drain', ...this.drainRequest } : end;
    this.ended = final;
    this.heartbeat?.stop();
    for (const command of this.running.values()) command.abort.abort(new TunnelError('UNAVAILABLE', 'tunnel closed'));
    this.rejectWelcome(final.kind === 'refused' ? final.error : new Error(`connection closed before the relay accepted the agent: ${'reason' in final ? final.reason : ''}`));
    this.resolveEnd(final);
  }

  private onMessage(message: Buffer): void {
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame(message, this.welcome?.limits.max_frame_bytes ?? PRE_AUTH_FRAME_LIMIT);
    } catch (err) {
      const error = toTunnelError(err);
      this.log.error({ code: error.code, reason: error.message }, 'relay sent a frame the agent cannot read; reconnecting');
      this.send({ kind: 'error', error: error.toWire() });
      this.channel.close(error.message);
      return;
    }
    this.heartbeat?.heard();
    switch (frame.kind) {
      case 'auth_challenge':
        this.send({ kind: 'auth_proof', auth_proof: { signature: signChallenge(this.identity.privateKey, this.identity.agentId, frame.auth_challenge.nonce) } });
        return;
      case 'welcome':
        return this.onWelcome(frame.welcome);
      case 'error': {
        const error = TunnelError.fromWire(frame.error);
        this.finish({ kind: 'refused', error });
        this.channel.close(error.message);
        return;
      }
      case 'command':
        return this.onCommand(frame.command);
      case 'cancel':
        this.running.get(frame.cancel.command_id)?.abort.abort(new TunnelError('CANCELLED', `relay cancelled the command: ${frame.cancel.reason}`));
        return;
      case 'stream_credit':
        this.running.get(frame.stream_credit.command_id)?.writer?.grant(frame.stream_credit.bytes);
        return;
      case 'heartbeat':
        this.heartbeat?.received(frame.heartbeat);
        return;
      case 'drain':
        this.drainRequest = { reason: frame.drain.reason, retryAfterMs: frame.drain.retry_after_ms };
        this.log.info({ reason: frame.drain.reason, retryAfterMs: frame.drain.retry_after_ms }, 'relay asked the agent to drain');
        void this.drain(frame.drain.reason, 30_000);
        return;
    }
  }

  private onWelcome(welcome: Welcome): void {
    this.welcome = welcome;
    this.heartbeat = new HeartbeatMonitor({
      intervalMs: welcome.heartbeat_interval_ms,
      timeoutMs: welcome.heartbeat_timeout_ms,
      inFlight: () => this.running.size,
      send: (heartbeat) => this.send({ kind: 'heartbeat', heartbeat }),
      onDead: (silentFor) => {
        this.log.warn({ silentFor }, 'relay went silent; reconnecting');
        this.channel.close(`no frame from the relay for ${silentFor} ms`);
      },
    });
    this.heartbeat.start();
    this.resolveWelcome(welcome);
  }

  private onCommand(command: Command): void {
    if (!this.welcome || this.running.has(command.id)) {
      this.send({ kind: 'error', error: new TunnelError('PROTOCOL_VIOLATION', `command ${command.id} is a duplicate or came before the welcome`).toWire() });
      return;
    }
    const abort = new AbortController();
    const writer =
      STREAMED_COMMANDS.has(command.body)
        ? new StreamWriter(command.id, streamWindowBytes(this.welcome.limits.stream_window_bytes, command.stream_window_bytes), this.welcome.limits.max_chunk_bytes, this.channel, abort.signal)
        : undefined;
    this.running.set(command.id, { abort, writer });
    const deadline = setTimeout(() => abort.abort(new TunnelError('DEADLINE_EXCEEDED', `deadline of ${command.deadline_ms} ms passed`)), command.deadline_ms || 30_000);
    const context = commandContext(this.log, command, abort.signal, writer);
    const settled = this.events?.commandStarted(command.body);
    runCommand(command, context)
      .then((body) => {
        settled?.('ok');
        this.send({ kind: 'result', result: { command_id: command.id, ...body } });
      })
      .catch((err: unknown) => {
        const error = toTunnelError(abort.signal.aborted ? (abort.signal.reason ?? err) : err);
        settled?.(error.code);
        if (error.code === 'CANCELLED' || error.code === 'DEADLINE_EXCEEDED') context.log.info({ code: error.code, reason: error.message }, 'command cancelled');
        else if (error.code === 'INTERNAL') context.log.error({ err }, 'command failed');
        this.send({ kind: 'result', result: { command_id: command.id, error: error.toWire() } });
      })
      .finally(() => {
        clearTimeout(deadline);
        this.running.delete(command.id);
        if (this.running.size === 0) this.releaseIdle();
      });
  }

  private releaseIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
