import * as protoLoader from '@grpc/proto-loader';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { PROTO_ROOT, TUNNEL_PROTO } from '@mlc/proto';
import type { AgentFrame, RelayFrame } from './frames.js';
import { TunnelError } from './tunnel-error.js';

// One loader, one set of options, for both transports (grpc-node examples' convention). `oneofs`
// gives every frame a `kind` discriminator; `longs: String` keeps uint64 clocks exact.
const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

const SERVICE_NAME = 'ml_connector.tunnel.v1.Tunnel';

const packageDefinition = protoLoader.loadSync(TUNNEL_PROTO, LOADER_OPTIONS);
const connectMethod = (packageDefinition[SERVICE_NAME] as protoLoader.ServiceDefinition)['Connect'];

/** Encodes what the agent sends. */
export function encodeAgentFrame(frame: AgentFrame): Buffer {
  return connectMethod.requestSerialize(frame);
}

/** Encodes what the relay sends. */
export function encodeRelayFrame(frame: RelayFrame): Buffer {
  return connectMethod.responseSerialize(frame);
}

/**
 * Decodes an agent frame, refusing oversized, malformed and empty ones with a typed error.
 * Both transports call this on raw bytes, so a fuzzed frame meets the same checks everywhere.
 */
export function decodeAgentFrame(bytes: Uint8Array, maxFrameBytes: number): AgentFrame {
  return decodeChecked(bytes, maxFrameBytes, (buf) => connectMethod.requestDeserialize(buf)) as AgentFrame;
}

/** Decodes a relay frame with the same checks as decodeAgentFrame. */
export function decodeRelayFrame(bytes: Uint8Array, maxFrameBytes: number): RelayFrame {
  return decodeChecked(bytes, maxFrameBytes, (buf) => connectMethod.responseDeserialize(buf)) as RelayFrame;
}

function decodeChecked(bytes: Uint8Array, maxFrameBytes: number, decode: (buf: Buffer) => unknown): { kind?: string } {
  if (bytes.length > maxFrameBytes) {
    throw new TunnelError('FRAME_TOO_LARGE', `frame of ${bytes.length} bytes is over the ${maxFrameBytes}-byte limit`);
  }
  let frame: { kind?: string };
  try {
    frame = decode(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes)) as { kind?: string };
  } catch (err) {
    throw new TunnelError('PROTOCOL_VIOLATION', `malformed frame: ${(err as Error).message}`);
  }
  if (!frame.kind) {
    throw new TunnelError('PROTOCOL_VIOLATION', 'frame carries no known kind');
  }
  return frame;
}

/**
 * The gRPC service with frames passed as raw bytes: grpc-js only moves buffers, and the shared
 * codec above decodes them, so size limits, fuzz handling and logging are identical on gRPC and
 * WebSocket.
 */
export const rawTunnelService: ServiceDefinition<{ Connect: never }> = {
  Connect: {
    path: `/${SERVICE_NAME}/Connect`,
    requestStream: true,
    responseStream: true,
    requestSerialize: (value: Buffer) => value,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: Buffer) => value,
    responseDeserialize: (bytes: Buffer) => bytes,
    originalName: 'connect',
  },
} as unknown as ServiceDefinition<{ Connect: never }>;
