import type { Readable } from 'node:stream';

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** Collects a child's pino output (JSON lines) and lets a test wait for a line. */
export class LogLines {
  readonly lines: LogLine[] = [];
  readonly raw: string[] = [];
  private waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  private buffered = '';

  attach(stream: Readable): void {
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      this.buffered += text;
      let newline: number;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const rawLine = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        this.add(rawLine);
      }
    });
  }

  private add(rawLine: string): void {
    this.raw.push(rawLine);
    let line: LogLine;
    try {
      line = JSON.parse(rawLine) as LogLine;
    } catch {
      line = { msg: rawLine };
    }
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }

  find(match: (line: LogLine) => boolean): LogLine | undefined {
    return this.lines.find(match);
  }

  /** Resolves with the first line (already seen or future) that matches. */
  waitFor(match: (line: LogLine) => boolean, timeoutMs = 20_000, what = 'log line'): Promise<LogLine> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last lines:\n${this.raw.slice(-15).join('\n')}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }
}

export const message = (text: string) => (line: LogLine): boolean => typeof line.msg === 'string' && line.msg.includes(text);
