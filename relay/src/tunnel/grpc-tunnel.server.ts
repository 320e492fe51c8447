import * as grpc from '@grpc/grpc-js';
import type { EventEmitter } from 'node:events';
import type { Http2Session } from 'node:http2';
import { Inject, Injectable } from '@nestjs/common';
import { grpcByteChannel, rawTunnelService } from '@mlc/tunnel';
import { RELAY_CONFIG, RELAY_LOGGER } from '../common/tokens.js';
import type { Logger } from '../common/logger.js';
import type { RelayConfig } from '../config/relay-config.js';
import { TunnelGateway } from './tunnel-gateway.service.js';

// Streamed results flow agent -> relay, so the relay's HTTP/2 receive settings bound them: at the
// defaults (64 KiB windows per stream and per connection, 16 KiB frames) a 256 KiB chunk crosses
// as 16 frames with window updates in between (about 80 MB/s on loopback; 1 MiB frames and 8 MiB
// windows measured about 130-220 MB/s). grpc-js exposes no server option for these, so the
// stream settings go into the http2 settings it passes to http2.createServer, and the connection
// window is set on each session as it opens. Both reach into grpc-js internals; if those are renamed this
// silently has no effect (the tunnel bench shows it) and cannot break serving.
const RECEIVE_WINDOW_BYTES = 8 * 1024 * 1024;

interface GrpcServerInternals {
  commonServerOptions?: { settings?: Record<string, unknown> };
  http2Servers?: Map<EventEmitter, unknown>;
}

function widenReceiveWindow(server: grpc.Server): void {
  const internals = server as unknown as GrpcServerInternals;
  if (!internals.commonServerOptions) return;
  internals.commonServerOptions.settings = { ...internals.commonServerOptions.settings, initialWindowSize: RECEIVE_WINDOW_BYTES, maxFrameSize: 1024 * 1024 };
}

function widenConnectionWindows(server: grpc.Server): void {
  const internals = server as unknown as GrpcServerInternals;
  for (const http2Server of internals.http2Servers?.keys() ?? []) {
    http2Server.on('session', (session: Http2Session) => session.setLocalWindowSize(RECEIVE_WINDOW_BYTES));
  }
}

/** Serves `Tunnel.Connect` over HTTP/2 and hands each stream to the shared session layer. */
@Injectable()
export class GrpcTunnelServer {
  private server: grpc.Server | undefined;
  private readonly log: Logger;
  boundPort = 0;

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(RELAY_LOGGER) logger: Logger,
    private readonly gateway: TunnelGateway,
  ) {
    this.log = logger.child({ component: 'grpc-tunnel' });
  }

  async start(): Promise<number> {
    const server = new grpc.Server({
      // The session layer enforces max_frame_bytes with a clear refusal; grpc-js's own cap sits
      // above it only as a backstop against absurd messages.
      'grpc.max_receive_message_length': this.config.maxFrameBytes * 2,
      'grpc.max_send_message_length': this.config.maxFrameBytes * 2,
      // Transport keepalive catches dead TCP paths (NAT timeouts) below our own heartbeats.
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
      'grpc.http2.min_ping_interval_without_data_ms': 10_000,
      'grpc.keepalive_permit_without_calls': 1,
    });
    widenReceiveWindow(server);
    server.addService(rawTunnelService, {
      Connect: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
        const channel = grpcByteChannel(call, call.getPeer(), () => call.end());
        this.gateway.accept(channel, 'TRANSPORT_GRPC');
      },
    });
    const credentials = this.config.tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: this.config.tls.cert, private_key: this.config.tls.key }], false)
      : grpc.ServerCredentials.createInsecure();
    this.boundPort = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${this.config.host}:${this.config.grpcPort}`, credentials, (err, port) => (err ? reject(err) : resolve(port))),
    );
    widenConnectionWindows(server);
    this.server = server;
    this.log.info({ port: this.boundPort, tls: Boolean(this.config.tls) }, 'gRPC tunnel listening');
    return this.boundPort;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2_000);
      force.unref();
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }
}
