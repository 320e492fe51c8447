import { TunnelError, decodeAgentFrame, encodeAgentFrame, encodeRelayFrame, streamWindowBytes, toTunnelError, type CommandBody } from '@mlc/tunnel';
import type { DataSource } from 'typeorm';
import type { Logger } from '../common/logger.js';
import { queryRows } from '../common/query-rows.js';
import { CommandStream } from './command-stream.js';
import type { CallOptions, RelaySession } from './relay-session.js';

// Routed frames are ours and trusted, but still bounded.
export const ROUTED_FRAME_LIMIT = 64 * 1024 * 1024;

/** How replicas reach each other: NOTIFY on a replica's channel, rows in PostgreSQL. */
export interface RoutingBus {
  readonly db: DataSource;
  notify(replicaId: string, payload: string): Promise<unknown>;
}

interface Reader {
  stream: CommandStream;
  holder: string;
  /** Chunks are fetched one after another, in the order their notifications arrived. */
  chain: Promise<void>;
  timer: NodeJS.Timeout;
  pickupTimer: NodeJS.Timeout;
}

/**
 * After `pickupMs`, withdraws a routed command its target has not taken yet (see
 * ReplicaRouter.runRouted) and fails it with `fail`: it never ran, so it may go elsewhere. A command
 * taken (or answered) by then is left alone; clear the timer once the answer is in.
 */
export function withdrawUntakenAfter(db: DataSource, id: string, target: string, pickupMs: number, fail: (err: TunnelError) => void): NodeJS.Timeout {
  return setTimeout(() => {
    void queryRows<{ id: string }>(db, `DELETE FROM routed_command WHERE id = $1 AND picked_at IS NULL RETURNING id`, [id]).then(
      (withdrawn) => {
        if (withdrawn.length === 0) return;
        fail(new TunnelError('AGENT_OFFLINE', `relay replica ${target} holding the agent did not take the command within ${pickupMs} ms (it has likely stopped); the agent reconnects to a live one`));
      },
      () => undefined,
    );
  }, pickupMs);
}

/**
 * The origin's side of a stream whose agent another replica holds: chunks arrive as rows in
 * routed_stream_chunk, announced by NOTIFY; consuming them grants the holder credit back, so the
 * table never holds more than one window of a stream.
 */
export class RemoteStreamReaders {
  private readonly readers = new Map<string, Reader>();

  constructor(
    private readonly bus: RoutingBus,
    private readonly originReplica: string,
    private readonly windowBytes: number,
    /** How long the holder has to take a stream before it is withdrawn (see withdrawUntakenAfter). */
    private readonly pickupMs: number,
  ) {}

  /** `findHolder` names the replica holding the agent, or throws (AGENT_OFFLINE). */
  open(agentId: string, findHolder: () => Promise<string>, body: CommandBody, options: CallOptions): CommandStream {
    let started: { id: string; holder: string } | undefined;
    const stream = new CommandStream(
      streamWindowBytes(this.windowBytes, options.streamWindowBytes),
      (bytes) => started && void this.bus.notify(started.holder, `credit:${started.id}:${bytes}`),
      () => started && this.abandon(started.id, new TunnelError('CANCELLED', 'the consumer stopped reading the stream')),
    );
    void findHolder()
      .then((holder) => this.start(holder, agentId, body, options, stream).then((id) => (started = { id, holder })))
      .catch((err: unknown) => stream.fail(toTunnelError(err)));
    return stream;
  }

  has(id: string): boolean {
    return this.readers.has(id);
  }

  onChunk(id: string, seq: number): void {
    const reader = this.readers.get(id);
    if (!reader) return;
    reader.chain = reader.chain.then(async () => {
      const rows: Array<{ data: Buffer }> = await this.bus.db.query(`SELECT data FROM routed_stream_chunk WHERE command_id = $1 AND seq = $2`, [id, seq]);
      await this.bus.db.query(`DELETE FROM routed_stream_chunk WHERE command_id = $1 AND seq = $2`, [id, seq]);
      if (!rows[0]) throw new TunnelError('INTERNAL', `routed chunk ${seq} of ${id} is missing`);
      reader.stream.push(seq, rows[0].data);
    }).catch((err: unknown) => this.abandon(id, toTunnelError(err)));
  }

  onDone(id: string): void {
    const reader = this.readers.get(id);
    if (!reader) return;
    reader.chain = reader.chain.then(async () => {
      const rows: Array<{ result: Buffer | null }> = await this.bus.db.query(`SELECT result FROM routed_command WHERE id = $1`, [id]);
      this.close(id);
      const frame = rows[0]?.result ? decodeAgentFrame(rows[0].result, ROUTED_FRAME_LIMIT) : undefined;
      if (frame?.kind !== 'result') throw new TunnelError('INTERNAL', 'routed stream ended without a result');
      if (frame.result.error) reader.stream.fail(TunnelError.fromWire(frame.result.error));
      else if (frame.result.body === 'stream_end') reader.stream.finish(frame.result.stream_end);
      else throw new TunnelError('PROTOCOL_VIOLATION', `routed stream answered with ${frame.result.body ?? 'nothing'}`);
    }).catch((err: unknown) => reader.stream.fail(toTunnelError(err)));
  }

  failAll(err: TunnelError): void {
    for (const id of [...this.readers.keys()]) this.abandon(id, err);
  }

  private async start(holder: string, agentId: string, body: CommandBody, options: CallOptions, stream: CommandStream): Promise<string> {
    const frame = encodeCommand(body, options);
    const rows: Array<{ id: string }> = await this.bus.db.query(
      `INSERT INTO routed_command (origin_replica, target_replica, agent_id, command, deadline_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::float8 / 1000)) RETURNING id`,
      [this.originReplica, holder, agentId, frame, options.deadlineMs],
    );
    const id = rows[0].id;
    const timer = setTimeout(() => this.abandon(id, new TunnelError('DEADLINE_EXCEEDED', `stream not finished within ${options.deadlineMs} ms`)), options.deadlineMs);
    const pickupTimer = withdrawUntakenAfter(this.bus.db, id, holder, this.pickupMs, (err) => this.abandon(id, err));
    this.readers.set(id, { stream, holder, chain: Promise.resolve(), timer, pickupTimer });
    options.signal?.addEventListener('abort', () => this.abandon(id, new TunnelError('CANCELLED', 'the caller cancelled')), { once: true });
    await this.bus.notify(holder, `stream:${id}`);
    return id;
  }

  private abandon(id: string, err: TunnelError): void {
    const reader = this.readers.get(id);
    if (!reader) return;
    this.close(id);
    reader.stream.fail(err);
    void this.bus.notify(reader.holder, `cancel:${id}`);
    void this.bus.db.query(`DELETE FROM routed_command WHERE id = $1`, [id]).catch(() => undefined);
  }

  private close(id: string): void {
    const reader = this.readers.get(id);
    if (!reader) return;
    clearTimeout(reader.timer);
    clearTimeout(reader.pickupTimer);
    this.readers.delete(id);
  }
}

interface Credit {
  available: number;
  wake: (() => void) | undefined;
}

/**
 * The holder's side: runs the stream on the local agent session and forwards each chunk as a
 * row, never more than one window ahead of what the origin has consumed.
 */
export class RoutedStreamRunner {
  private readonly credits = new Map<string, Credit>();

  constructor(
    private readonly bus: RoutingBus,
    private readonly windowBytes: number,
    private readonly log: Logger,
  ) {}

  grant(id: string, bytes: number): void {
    const credit = this.credits.get(id);
    if (!credit) return;
    credit.available += bytes;
    credit.wake?.();
  }

  async run(id: string, origin: string, session: RelaySession, body: CommandBody, options: CallOptions): Promise<Buffer> {
    const windowBytes = streamWindowBytes(this.windowBytes, options.streamWindowBytes);
    const credit: Credit = { available: windowBytes, wake: undefined };
    this.credits.set(id, credit);
    try {
      const stream = session.stream(body, options);
      let seq = 0;
      for await (const chunk of stream) {
        while (credit.available < Math.min(chunk.length, windowBytes)) {
          if (options.signal?.aborted) throw new TunnelError('CANCELLED', 'the origin replica cancelled the stream');
          await new Promise<void>((resolve) => (credit.wake = resolve));
        }
        credit.available -= chunk.length;
        await this.bus.db.query(`INSERT INTO routed_stream_chunk (command_id, seq, data) VALUES ($1, $2, $3)`, [id, seq, chunk]);
        await this.bus.notify(origin, `chunk:${id}:${seq}`);
        seq += 1;
      }
      const end = await stream.end;
      return encodeAgentFrame({ kind: 'result', result: { command_id: 0, body: 'stream_end', stream_end: end } });
    } catch (err) {
      this.log.debug({ id, reason: (err as Error).message }, 'routed stream failed');
      return encodeAgentFrame({ kind: 'result', result: { command_id: 0, error: toTunnelError(err).toWire() } });
    } finally {
      this.credits.get(id)?.wake?.();
      this.credits.delete(id);
    }
  }

  /** Wakes a runner waiting for credit so it can see its cancellation. */
  cancel(id: string): void {
    this.credits.get(id)?.wake?.();
  }
}

/** A command as routed between replicas: the holder gives it its own session-local id. */
export function encodeCommand(body: CommandBody, options: CallOptions): Buffer {
  return encodeRelayFrame({ kind: 'command', command: { id: 0, deadline_ms: options.deadlineMs, correlation_id: options.correlationId ?? '', stream_window_bytes: options.streamWindowBytes ?? 0, ...body } });
}
