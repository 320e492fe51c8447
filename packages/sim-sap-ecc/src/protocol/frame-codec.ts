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
  private buffer: Buffer = Buffer.alloc(0);

  /** Returns every complete frame received so far; throws on a frame no peer of ours would send. */
  push(chunk: Buffer): unknown[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: unknown[] = [];
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) throw new Error(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}`);
      if (this.buffer.length < 4 + length) break;
      frames.push(JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8')));
      this.buffer = this.buffer.subarray(4 + length);
    }
    return frames;
  }
}
