import { Inject, Injectable } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { WEBSOCKET_TUNNEL_PATH, webSocketByteChannel } from '@mlc/tunnel';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { Logger } from '../common/logger.js';
import type { RelayConfig } from '../config/relay-config.js';
import { TunnelGateway } from './tunnel-gateway.service.js';

/** The WebSocket fallback, on the relay's HTTP port, for networks whose proxies break HTTP/2. */
@Injectable()
export class WsTunnelServer {
  private wss: WebSocketServer | undefined;
  private readonly log: Logger;

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(RELAY_LOGGER) logger: Logger,
    private readonly gateway: TunnelGateway,
  ) {
    this.log = logger.child({ component: 'ws-tunnel' });
  }

  attach(httpServer: Server): void {
    // As with gRPC, the session layer refuses frames over max_frame_bytes by name; ws's own cap
    // is only the backstop.
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.config.maxFrameBytes * 2, perMessageDeflate: false });
    this.wss = wss;
    httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== WEBSOCKET_TUNNEL_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        const remote = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
        ws.on('error', (err) => this.log.warn({ remote, reason: err.message }, 'websocket tunnel error'));
        this.gateway.accept(webSocketByteChannel(ws, remote), 'TRANSPORT_WEBSOCKET');
      });
    });
    this.log.info({ path: WEBSOCKET_TUNNEL_PATH }, 'WebSocket tunnel attached to the HTTP server');
  }

  stop(): void {
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
  }
}
