import type WebSocket from 'ws';

/**
 * A message-oriented byte pipe: one call to `write` arrives as one `onMessage` on the other side.
 * gRPC streams and WebSockets both fit, on either end, so the tunnel has two adapters, not four.
 */
export interface ByteChannel {
  /** Queues a message; false means the outgoing buffer is full and the caller should await drained(). */
  write(message: Buffer): boolean;
  drained(): Promise<void>;
  onMessage(handler: (message: Buffer) => void): void;
  /** Called once, when the channel ends for any reason. */
  onClose(handler: (reason: string) => void): void;
  close(reason: string): void;
  readonly remoteAddress: string;
}

type CloseHandler = (reason: string) => void;

class CloseOnce {
  private handlers: CloseHandler[] = [];
  private closedWith: string | undefined;

  add(handler: CloseHandler): void {
    if (this.closedWith !== undefined) handler(this.closedWith);
    else this.handlers.push(handler);
  }

  fire(reason: string): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = reason;
    for (const handler of this.handlers) handler(reason);
    this.handlers = [];
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }
}

/** The part of a grpc-js duplex stream (server or client side) the tunnel uses. */
export interface DuplexLike {
  write(chunk: Buffer): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end' | 'close' | 'drain', listener: () => void): unknown;
  off(event: 'drain', listener: () => void): unknown;
}

/** A gRPC duplex stream (server `ServerDuplexStream` or client `ClientDuplexStream`) of raw buffers. */
export function grpcByteChannel(stream: DuplexLike, remoteAddress: string, endStream: (reason: string) => void): ByteChannel {
  const closing = new CloseOnce();
  // However the stream ends, end our half too: a peer that half-closes must not leave the
  // HTTP/2 stream open on this side.
  const peerClosed = (reason: string): void => {
    if (closing.closed) return;
    closing.fire(reason);
    endStream(reason);
  };
  stream.on('error', (err: Error) => peerClosed(`stream error: ${err.message}`));
  stream.on('end', () => peerClosed('peer ended the stream'));
  stream.on('close', () => peerClosed('stream closed'));
  return {
    remoteAddress,
    write: (message) => !closing.closed && stream.write(message),
    drained: () => waitFor(stream, 'drain', closing),
    onMessage: (handler) => stream.on('data', handler),
    onClose: (handler) => closing.add(handler),
    close: (reason) => {
      if (closing.closed) return;
      closing.fire(reason);
      endStream(reason);
    },
  };
}

function waitFor(stream: DuplexLike, event: 'drain', closing: CloseOnce): Promise<void> {
  if (closing.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off(event, done);
      resolve();
    };
    stream.on(event, done);
    closing.add(done);
  });
}

// ws has no 'drain' event: count the bytes handed to it that it has not flushed yet.
const WS_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** A WebSocket carrying one binary message per frame. */
export function webSocketByteChannel(socket: WebSocket, remoteAddress: string): ByteChannel {
  const closing = new CloseOnce();
  let unflushed = 0;
  let drainWaiters: Array<() => void> = [];
  const release = (): void => {
    const waiters = drainWaiters;
    drainWaiters = [];
    for (const resolve of waiters) resolve();
  };
  socket.on('close', (code: number, reason: Buffer) => {
    closing.fire(`websocket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
    release();
  });
  socket.on('error', (err: Error) => closing.fire(`websocket error: ${err.message}`));
  return {
    remoteAddress,
    write: (message) => {
      if (closing.closed || socket.readyState !== socket.OPEN) return false;
      unflushed += message.length;
      socket.send(message, { binary: true }, () => {
        unflushed -= message.length;
        if (unflushed < WS_HIGH_WATER_BYTES / 2) release();
      });
      return unflushed < WS_HIGH_WATER_BYTES;
    },
    drained: () =>
      unflushed < WS_HIGH_WATER_BYTES || closing.closed ? Promise.resolve() : new Promise((resolve) => drainWaiters.push(resolve)),
    onMessage: (handler) =>
      socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) {
          closing.fire('text message on a binary tunnel');
          socket.close(1003, 'binary frames only');
          return;
        }
        handler(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
      }),
    onClose: (handler) => closing.add(handler),
    close: (reason) => {
      if (closing.closed) return;
      closing.fire(reason);
      // 1008 = policy violation; the reason is capped at 123 bytes by the protocol.
      socket.close(1008, Buffer.from(reason).subarray(0, 120).toString());
      setTimeout(() => socket.terminate(), 1000).unref();
    },
  };
}
