import { TunnelError, encodeAgentFrame, type ByteChannel } from '@mlc/tunnel';

/**
 * Sends one command's streamed result, never more than the relay's granted window ahead, and
 * never faster than the transport drains. Memory per stream stays at one chunk.
 */
export class StreamWriter {
  private credit: number;
  private seq = 0;
  private sentBytes = 0;
  private wake: (() => void) | undefined;

  constructor(
    private readonly commandId: number,
    private readonly windowBytes: number,
    readonly maxChunkBytes: number,
    private readonly channel: ByteChannel,
    private readonly signal: AbortSignal,
  ) {
    this.credit = windowBytes;
    signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  get chunks(): number {
    return this.seq;
  }

  get bytes(): number {
    return this.sentBytes;
  }

  grant(bytes: number): void {
    this.credit += bytes;
    this.notify();
  }

  async write(data: Buffer): Promise<void> {
    if (data.length > this.maxChunkBytes) {
      throw new TunnelError('INVALID_ARGUMENT', `chunk of ${data.length} bytes is over the relay's ${this.maxChunkBytes}-byte chunk limit`);
    }
    while (this.credit < Math.min(data.length, this.windowBytes)) {
      this.throwIfAborted();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    this.throwIfAborted();
    this.credit -= data.length;
    const frame = encodeAgentFrame({ kind: 'result_chunk', result_chunk: { command_id: this.commandId, seq: this.seq, data } });
    this.seq += 1;
    this.sentBytes += data.length;
    if (!this.channel.write(frame)) await this.channel.drained();
  }

  private throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof Error ? this.signal.reason : new TunnelError('CANCELLED', 'stream cancelled');
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
