/**
 * Length-prefixed JSON frames: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
 * Large RFC_READ_TABLE results go through one frame, so the cap is generous.
 */
const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the frame being received, once its 4-byte header is in. */
  private expected: number | undefined;

  /**
   * Returns every complete frame received so far; throws on a frame no peer of ours would send.
   * Chunks are only joined once a whole frame is in: joining on every chunk would copy a
   * multi-megabyte RFC_READ_TABLE answer over and over (quadratic time and garbage).
   */
  push(chunk: Buffer): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: unknown[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const length = this.take(4).readUInt32BE(0);
        if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`);
        this.expected = length;
      }
      if (this.buffered < this.expected) break;
      frames.push(JSON.parse(this.take(this.expected).toString('utf8')));
      this.expected = undefined;
    }
    return frames;
  }

  /** Removes and returns the first `n` buffered bytes. */
  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.buffered);
    const out = joined.subarray(0, n);
    const rest = joined.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
