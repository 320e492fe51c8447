import type { Transport } from '@mlc/tunnel';

/** The short name operators see: grpc, websocket. */
export function transportName(transport: Transport): string {
  return transport === 'TRANSPORT_GRPC' ? 'grpc' : transport === 'TRANSPORT_WEBSOCKET' ? 'websocket' : 'unknown';
}
