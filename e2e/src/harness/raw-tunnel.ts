import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import { WEBSOCKET_TUNNEL_PATH, decodeRelayFrame, encodeAgentFrame, type AgentFrame, type RelayFrame } from '@mlc/tunnel';

/** A hand-driven tunnel connection that sends whatever bytes a test gives it, valid or not. */
export interface RawTunnel {
  sendBytes(bytes: Buffer): void;
  send(frame: AgentFrame): void;
  /** Frames received so far (undecodable ones are skipped). */
  readonly frames: RelayFrame[];
  nextFrame(timeoutMs?: number): Promise<RelayFrame>;
  /** Resolves when the relay ends the connection. */
  readonly closed: Promise<void>;
  end(): void;
}

abstract class RawBase {
  readonly frames: RelayFrame[] = [];
  private waiters: Array<(frame: RelayFrame) => void> = [];
  private delivered = 0;
  protected markClosed!: () => void;
  readonly closed = new Promise<void>((resolve) => (this.markClosed = resolve));

  protected received(bytes: Buffer): void {
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame(bytes, 64 * 1024 * 1024);
    } catch {
      return;
    }
    this.frames.push(frame);
    this.waiters.shift()?.(frame);
  }

  nextFrame(timeoutMs = 5_000): Promise<RelayFrame> {
    if (this.delivered < this.frames.length) return Promise.resolve(this.frames[this.delivered++]);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no frame from the relay within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push((frame) => {
        clearTimeout(timer);
        this.delivered += 1;
        resolve(frame);
      });
    });
  }

  send(frame: AgentFrame): void {
    this.sendBytes(encodeAgentFrame(frame));
  }

  abstract sendBytes(bytes: Buffer): void;
}

const passThrough = (bytes: Buffer): Buffer => bytes;

class RawGrpc extends RawBase implements RawTunnel {
  private readonly call: grpc.ClientDuplexStream<Buffer, Buffer>;

  constructor(client: grpc.Client) {
    super();
    this.call = client.makeBidiStreamRequest('/ml_connector.tunnel.v1.Tunnel/Connect', passThrough, passThrough);
    this.call.on('data', (bytes: Buffer) => this.received(bytes));
    this.call.on('error', () => this.markClosed());
    this.call.on('end', () => this.markClosed());
    this.call.on('close', () => this.markClosed());
  }

  sendBytes(bytes: Buffer): void {
    this.call.write(bytes);
  }

  end(): void {
    this.call.end();
  }
}

/** One HTTP/2 connection; each raw tunnel is a stream on it. */
export function grpcClient(port: number): grpc.Client {
  return new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.max_send_message_length': 128 * 1024 * 1024 });
}

export function rawGrpc(client: grpc.Client): RawTunnel {
  return new RawGrpc(client);
}

class RawWs extends RawBase implements RawTunnel {
  private readonly opened: Promise<void>;

  constructor(private readonly socket: WebSocket) {
    super();
    this.opened = new Promise((resolve) => socket.once('open', () => resolve()));
    socket.on('message', (data: Buffer) => this.received(data));
    socket.on('close', () => this.markClosed());
    socket.on('error', () => this.markClosed());
  }

  sendBytes(bytes: Buffer): void {
    void this.opened.then(() => this.socket.send(bytes, { binary: true }));
  }

  end(): void {
    void this.opened.then(() => this.socket.close());
  }
}

export function rawWs(httpPort: number): RawTunnel {
  return new RawWs(new WebSocket(`ws://127.0.0.1:${httpPort}${WEBSOCKET_TUNNEL_PATH}`, { maxPayload: 128 * 1024 * 1024 }));
}
