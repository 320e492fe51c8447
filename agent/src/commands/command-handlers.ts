import { setTimeout as sleep } from 'node:timers/promises';
import { TunnelError, type Command, type CommandBodies, type CommandKind, type ResultBody } from '@mlc/tunnel';
import type { Logger } from 'pino';
import type { SapExecutor } from '../sap/sap-executor.js';
import type { StreamWriter } from '../tunnel/stream-writer.js';
import type { X3Executor } from '../x3/x3-executor.js';

export interface CommandContext {
  signal: AbortSignal;
  /** Present for commands whose result is streamed. */
  stream: StreamWriter | undefined;
  log: Logger;
}

type Handler<K extends CommandKind> = (body: CommandBodies[K], context: CommandContext) => Promise<ResultBody>;
type Handlers = { [K in CommandKind]: Handler<K> };

// Echo commands exist to exercise and measure the tunnel; they are bounded so a relay cannot make
// the agent allocate without limit.
const MAX_ECHO_BYTES = 64 * 1024 * 1024;

// The SAP executor holds the profiles' pools; the daemon installs it once at start. It is module
// state because sessions (which build each CommandContext) come and go with reconnects.
let sapExecutor: SapExecutor | undefined;

export function useSapExecutor(executor: SapExecutor | undefined): void {
  sapExecutor = executor;
}

function sap(): SapExecutor {
  if (!sapExecutor) throw new TunnelError('INVALID_ARGUMENT', 'this agent has no SAP profiles configured', { detail: { field: 'profile' } });
  return sapExecutor;
}

// Likewise the Sage X3 executor, which holds each profile's token and clock skew.
let x3Executor: X3Executor | undefined;

export function useX3Executor(executor: X3Executor | undefined): void {
  x3Executor = executor;
}

function x3(): X3Executor {
  if (!x3Executor) throw new TunnelError('INVALID_ARGUMENT', 'this agent has no Sage X3 profiles configured', { detail: { field: 'profile' } });
  return x3Executor;
}

/** Commands whose result is streamed in ResultChunks (they get a StreamWriter). */
export const STREAMED_COMMANDS: ReadonlySet<CommandKind> = new Set<CommandKind>(['echo_stream', 'rfc_read_table']);

const handlers: Handlers = {
  ping: async () => ({ body: 'ping', ping: { agent_time_ms: String(Date.now()) } }),

  echo: async (body, { signal }) => {
    if (body.delay_ms > 0) await sleep(body.delay_ms, undefined, { signal });
    if (body.payload.length > 0) return { body: 'echo', echo: { payload: body.payload } };
    if (body.size > MAX_ECHO_BYTES) throw new TunnelError('INVALID_ARGUMENT', `echo size ${body.size} is over ${MAX_ECHO_BYTES}`);
    return { body: 'echo', echo: { payload: Buffer.alloc(body.size, 0x61) } };
  },

  echo_stream: async (body, { signal, stream }) => {
    if (!stream) throw new TunnelError('INTERNAL', 'echo_stream needs a stream writer');
    if (body.chunk_size === 0 || body.chunk_size > stream.maxChunkBytes) {
      throw new TunnelError('INVALID_ARGUMENT', `chunk_size must be 1..${stream.maxChunkBytes}, got ${body.chunk_size}`);
    }
    // One buffer reused for every chunk: the encoder copies it into each frame.
    const chunk = Buffer.alloc(body.chunk_size, 0x62);
    for (let i = 0; i < body.chunks; i += 1) {
      if (body.delay_ms > 0) await sleep(body.delay_ms, undefined, { signal });
      await stream.write(chunk);
    }
    return { body: 'stream_end', stream_end: { chunks: stream.chunks, bytes: String(stream.bytes) } };
  },

  rfc_call: (body, context) => sap().rfcCall(body, context),
  rfc_transaction: (body, context) => sap().rfcTransaction(body, context),
  rfc_read_table: (body, context) => sap().rfcReadTable(body, context),
  http_request: (body, context) => x3().httpRequest(body, context),
  x3_graphql: (body, context) => x3().x3Graphql(body, context),
};

export const COMMAND_KINDS = Object.keys(handlers) as CommandKind[];

/** Runs a command; throws TunnelError (or anything, which becomes INTERNAL) on failure. */
export function runCommand(command: Command, context: CommandContext): Promise<ResultBody> {
  switch (command.body) {
    case 'ping':
      return handlers.ping(command.ping, context);
    case 'echo':
      return handlers.echo(command.echo, context);
    case 'echo_stream':
      return handlers.echo_stream(command.echo_stream, context);
    case 'rfc_call':
      return handlers.rfc_call(command.rfc_call, context);
    case 'rfc_transaction':
      return handlers.rfc_transaction(command.rfc_transaction, context);
    case 'rfc_read_table':
      return handlers.rfc_read_table(command.rfc_read_table, context);
    case 'http_request':
      return handlers.http_request(command.http_request, context);
    case 'x3_graphql':
      return handlers.x3_graphql(command.x3_graphql, context);
    default:
      return Promise.reject(new TunnelError('UNKNOWN_COMMAND', `this agent cannot run "${(command as { body?: string }).body ?? '(none)'}"`));
  }
}
