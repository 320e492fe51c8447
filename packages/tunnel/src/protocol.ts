/** The tunnel protocol this code speaks; Hello.protocol_version. */
export const PROTOCOL_VERSION = 1;

/** gRPC path and WebSocket path the relay serves the tunnel on. */
export const WEBSOCKET_TUNNEL_PATH = '/tunnel/v1/ws';

/** Defaults the relay announces in Welcome unless configured otherwise. */
export const DEFAULT_LIMITS = {
  maxFrameBytes: 4 * 1024 * 1024,
  maxInFlight: 1024,
  streamWindowBytes: 8 * 1024 * 1024,
  maxChunkBytes: 1024 * 1024,
} as const;

/** Time an unauthenticated connection gets to say Hello and answer the challenge. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** The window a streamed command runs with: the command's own when it asks for a smaller one, else the session's. */
export function streamWindowBytes(sessionBytes: number, commandBytes: number | undefined): number {
  return commandBytes !== undefined && commandBytes > 0 ? Math.min(sessionBytes, commandBytes) : sessionBytes;
}
