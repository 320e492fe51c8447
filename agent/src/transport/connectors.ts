import * as grpc from '@grpc/grpc-js';
import { HttpsProxyAgent } from 'https-proxy-agent';
import WebSocket from 'ws';
import { grpcByteChannel, webSocketByteChannel, type ByteChannel, type Transport } from '@mlc/tunnel';
import { proxyFor } from './proxy.js';

export interface ConnectOptions {
  /** Extra CA to trust (PEM). */
  ca?: Buffer;
  maxFrameBytes: number;
  /** Give up on opening the connection after this long. */
  connectTimeoutMs: number;
}

export interface OpenedChannel {
  channel: ByteChannel;
  transport: Transport;
  /** The proxy the connection went through, if any. */
  proxy: string | undefined;
}

const TUNNEL_PATH = '/ml_connector.tunnel.v1.Tunnel/Connect';
const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * Opens the gRPC stream. grpc-js only dials when the stream starts, so failures (proxy refusal,
 * no HTTP/2) surface as a channel close before the first frame, which the caller watches for.
 */
export async function openGrpc(url: string, options: ConnectOptions): Promise<OpenedChannel> {
  const target = new URL(url);
  const secure = target.protocol === 'grpcs:';
  const hostPort = `${target.hostname}:${target.port || (secure ? 443 : 80)}`;
  const proxy = proxyFor(url);
  const channelOptions: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': options.maxFrameBytes * 2,
    'grpc.max_send_message_length': options.maxFrameBytes * 2,
    // Transport keepalive finds dead TCP paths below the tunnel's own heartbeats.
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 1_000,
    // The tunnel is one long-lived stream that must never be replayed: grpc-js's transparent-retry
    // layer would only buffer every written frame (up to its retry buffer) for nothing.
    'grpc.enable_retries': 0,
    // One connection per tunnel: never share a subchannel with another client in this process.
    'grpc.use_local_subchannel_pool': 1,
    // We choose the proxy ourselves (HTTPS_PROXY/NO_PROXY in either case, like the WebSocket
    // path); grpc-js alone reads only the lower-case variables.
    'grpc.enable_http_proxy': 0,
  };
  let dialTarget = hostPort;
  if (proxy) {
    const proxyUrl = new URL(proxy);
    dialTarget = `${proxyUrl.hostname}:${proxyUrl.port || 80}`;
    channelOptions['grpc.http_connect_target'] = `dns:${hostPort}`;
    if (proxyUrl.username) channelOptions['grpc.http_connect_creds'] = decodeURIComponent(`${proxyUrl.username}:${proxyUrl.password}`);
  }
  const credentials = secure ? grpc.credentials.createSsl(options.ca ?? null) : grpc.credentials.createInsecure();
  const client = new grpc.Client(dialTarget, credentials, channelOptions);
  const call = client.makeBidiStreamRequest(TUNNEL_PATH, passThrough, passThrough, new grpc.Metadata());
  const channel = grpcByteChannel(call, url, () => {
    call.cancel();
    client.close();
  });
  channel.onClose(() => client.close());
  return { channel, transport: 'TRANSPORT_GRPC', proxy };
}

/** Opens the WebSocket fallback, through an HTTP CONNECT proxy when one applies. */
export function openWebSocket(url: string, options: ConnectOptions): Promise<OpenedChannel> {
  const proxy = proxyFor(url);
  const socket = new WebSocket(url, {
    agent: proxy ? new HttpsProxyAgent(proxy, options.ca ? { ca: options.ca } : {}) : undefined,
    ca: options.ca,
    maxPayload: options.maxFrameBytes * 2,
    perMessageDeflate: false,
    handshakeTimeout: options.connectTimeoutMs,
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      reject(err);
    };
    socket.once('unexpected-response', (_req, res) => fail(new Error(`relay answered the WebSocket upgrade with HTTP ${res.statusCode}`)));
    socket.once('error', fail);
    socket.once('open', () => {
      socket.off('error', fail);
      resolve({ channel: webSocketByteChannel(socket, url), transport: 'TRANSPORT_WEBSOCKET', proxy });
    });
  });
}
