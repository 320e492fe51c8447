import { TunnelError, type StreamEnd } from '@mlc/tunnel';

/**
 * The relay's end of a streamed result: an async iterable of chunks with per-command flow
 * control. The agent may send `windowBytes` ahead; each chunk the consumer takes is granted back
 * (in batches), so a slow consumer holds at most one window in memory and never stalls the other
 * commands sharing the tunnel.
 */
export class CommandStream implements AsyncIterable<Buffer> {
  private readonly queue: Buffer[] = [];
  private wake: (() => void) | undefined;
  private failure: TunnelError | undefined;
  private ended: StreamEnd | undefined;
  private ungranted = 0;
  private received = 0;
  private receivedBytes = 0;
  private resolveEnd!: (end: StreamEnd) => void;
  private rejectEnd!: (err: TunnelError) => void;
  /** Settles when the agent closes the stream (with its totals) or the command fails. */
  readonly end: Promise<StreamEnd>;

  constructor(
    readonly windowBytes: number,
    private readonly grant: (bytes: number) => void,
    private readonly onAbandon: () => void,
  ) {
    this.end = new Promise((resolve, reject) => {
      this.resolveEnd = resolve;
      this.rejectEnd = reject;
    });
    // Nobody may await `end`; the iterator reports the failure instead.
    this.end.catch(() => undefined);
  }

  push(seq: number, data: Buffer): void {
    if (this.ended || this.failure) return;
    if (seq !== this.received) {
      this.fail(new TunnelError('PROTOCOL_VIOLATION', `chunk ${seq} arrived where ${this.received} was expected`));
      return;
    }
    this.received += 1;
    this.receivedBytes += data.length;
    this.queue.push(data);
    this.notify();
  }

  finish(end: StreamEnd): void {
    if (end.chunks !== this.received || Number(end.bytes) !== this.receivedBytes) {
      this.fail(new TunnelError('PROTOCOL_VIOLATION', `stream ended after ${this.received} chunks / ${this.receivedBytes} bytes but the agent reported ${end.chunks} / ${end.bytes}`));
      return;
    }
    this.ended = end;
    this.resolveEnd(end);
    this.notify();
  }

  fail(err: TunnelError): void {
    if (this.ended || this.failure) return;
    this.failure = err;
    this.rejectEnd(err);
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          this.consumed(chunk.length);
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      if (!this.ended && !this.failure) this.onAbandon();
    }
  }

  private consumed(bytes: number): void {
    this.ungranted += bytes;
    // Granting in quarter-window batches keeps credit frames rare without starving the agent.
    if (this.ungranted >= this.windowBytes / 4) {
      this.grant(this.ungranted);
      this.ungranted = 0;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
