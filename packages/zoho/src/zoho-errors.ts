/** What Zoho's CRM API answered when a call failed: HTTP status plus Zoho's own code and details. */
export class ZohoApiError extends Error {
  override readonly name = 'ZohoApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(`Zoho ${status} ${code}: ${message}`);
  }

  /** 429 (concurrency or credits) and 5xx clear up by themselves; everything else needs a person or a fix. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }

  /** The access token is expired, evicted or from another DC: one refresh may fix it. */
  get invalidToken(): boolean {
    return this.status === 401 && (this.code === 'INVALID_TOKEN' || this.code === 'INVALID_OAUTHTOKEN');
  }
}

/**
 * The accounts server refused a token request. Zoho answers these with HTTP 200 and `{"error": ...}`.
 * `invalid_code` on a refresh means the refresh token is revoked or gone: only a reconnect helps.
 */
export class ZohoOAuthError extends Error {
  override readonly name = 'ZohoOAuthError';
  constructor(
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(`Zoho accounts refused: ${error}${description ? ` (${description})` : ''}`);
  }

  /** The "too many requests" throttle (HTTP 200, error "Access Denied"): wait, do not reconnect. */
  get throttled(): boolean {
    return this.error === 'Access Denied';
  }

  /** Nothing but a new consent can fix these. */
  get needsReconnect(): boolean {
    return this.error === 'invalid_code' || this.error === 'invalid_client' || this.error === 'invalid_client_secret' || this.error === 'unauthorized_client';
  }
}

/** Zoho could not be reached, or the connection broke before its answer came: it may well work later. */
export class ZohoNetworkError extends Error {
  override readonly name = 'ZohoNetworkError';
  readonly retryable = true;
  constructor(cause: unknown) {
    super(`Zoho could not be reached: ${describe(cause)}`, { cause });
  }
}

function describe(error: unknown): string {
  // fetch wraps the socket's error ("fetch failed"), with the one that names what went wrong as its cause.
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
}
