import { pino, type Logger } from 'pino';

export type { Logger };

// Field names that must never reach a log line, whatever component logs them.
const REDACT = ['token', 'password', 'passwd', 'secret', 'privateKey', 'authorization', '*.token', '*.password', '*.secret'];

export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { svc: 'relay', ...base }, redact: { paths: REDACT, censor: '[redacted]' } });
}
