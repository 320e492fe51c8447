import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Field names that must never reach a log line, whatever component logs them.
const REDACT = ['token', 'password', 'passwd', 'secret', 'privateKey', 'authorization', '*.token', '*.password', '*.secret'];

/** `destination` defaults to stdout; specs pass a stream to read what was logged. */
export function createLogger(level: string, base: Record<string, unknown> = {}, destination?: DestinationStream): Logger {
  const options = { level, base: { svc: 'relay', ...base }, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}
