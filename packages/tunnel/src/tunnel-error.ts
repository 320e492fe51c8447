import type { ErrorCode, WireError } from './frames.js';

// Whether a code, by itself, means "the same request may work later". A sender can override it
// (an ERP error is retryable or not by its own key), but these are the defaults.
const RETRYABLE_BY_DEFAULT: Record<ErrorCode, boolean> = {
  ERROR_CODE_UNSPECIFIED: false,
  UNAUTHENTICATED: false,
  AGENT_REVOKED: false,
  PROTOCOL_VIOLATION: false,
  FRAME_TOO_LARGE: false,
  UNSUPPORTED_PROTOCOL: false,
  AGENT_OFFLINE: true,
  DEADLINE_EXCEEDED: true,
  CANCELLED: false,
  UNKNOWN_COMMAND: false,
  OVERLOADED: true,
  POLICY_DENIED: false,
  INVALID_ARGUMENT: false,
  UNAVAILABLE: true,
  BUSINESS_ERROR: false,
  INTERNAL: false,
};

export interface TunnelErrorOptions {
  retryable?: boolean;
  detail?: Record<string, string>;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The one error type that crosses the tunnel, in either direction, and out of AgentChannel. */
export class TunnelError extends Error {
  override readonly name = 'TunnelError';
  readonly retryable: boolean;
  readonly detail: Record<string, string>;
  readonly retryAfterMs: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: TunnelErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT[code];
    this.detail = options.detail ?? {};
    this.retryAfterMs = options.retryAfterMs ?? 0;
  }

  static fromWire(wire: WireError): TunnelError {
    return new TunnelError(wire.code, wire.message, {
      retryable: wire.retryable,
      detail: wire.detail,
      retryAfterMs: wire.retry_after_ms,
    });
  }

  toWire(): WireError {
    return {
      code: this.code,
      retryable: this.retryable,
      message: this.message,
      detail: this.detail,
      retry_after_ms: this.retryAfterMs,
    };
  }
}

/** Any thrown value as a TunnelError; unknown errors are our bug, so INTERNAL. */
export function toTunnelError(err: unknown): TunnelError {
  if (err instanceof TunnelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new TunnelError('INTERNAL', message, { cause: err });
}
