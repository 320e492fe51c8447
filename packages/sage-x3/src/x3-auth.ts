import { SignJWT } from 'jose';

/**
 * How a request to X3 proves who it is. `header()` is asked before EVERY request and answers a
 * header that is valid now (signing or refreshing first when the cached one is about to expire);
 * `invalidate()` is called after a 401, so the next `header()` makes a new one.
 */
export interface X3Auth {
  readonly mode: 'basic' | 'jwt' | 'oauth';
  header(): Promise<string>;
  /** The server refused `rejected`; unless a newer header has replaced it already, drop it. */
  invalidate(rejected: string): void;
}

/** The server's clock as this client best knows it: local time plus the skew measured from Date headers. */
export class ServerClock {
  private offsetMs = 0;

  constructor(private readonly localNow: () => number = Date.now) {}

  now(): number {
    return this.localNow() + this.offsetMs;
  }

  get skewMs(): number {
    return this.offsetMs;
  }

  /**
   * Learns the skew from a response's Date header (second precision, so it only moves when the
   * difference is over a second: a fresh skew is believed, jitter is not).
   */
  observe(dateHeader: string | null | undefined): void {
    const serverMs = dateHeader ? Date.parse(dateHeader) : Number.NaN;
    if (!Number.isFinite(serverMs)) return;
    const measured = serverMs - this.localNow();
    // Date is truncated to the second: the true offset lies in [measured, measured + 1000).
    if (measured > this.offsetMs || measured + 1000 < this.offsetMs) this.offsetMs = measured;
  }
}

export class BasicAuth implements X3Auth {
  readonly mode = 'basic';
  private readonly value: string;

  constructor(user: string, password: string) {
    this.value = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }

  header(): Promise<string> {
    return Promise.resolve(this.value);
  }

  invalidate(): void {
    // A refused password stays refused: nothing to renew.
  }
}

export interface ConnectedAppOptions {
  clientId: string;
  secret: string;
  /** The connected application's allowed X3 user (`sub`). */
  user: string;
  /** The application's URL (`aud`), e.g. https://x3.example.com:8124/xtrem/api. */
  audience: string;
  /** The application's token validity; X3's default connected apps allow 300 s. */
  lifetimeSeconds: number;
  clock: ServerClock;
  /** Re-sign this long before the token expires (on the server's clock). */
  renewBeforeMs?: number;
}

/**
 * Connected-app JWTs (HS256, signed here with the app's secret). Times are the SERVER's, as far as
 * its Date headers tell: a client whose clock runs ahead would otherwise send an iat in the future,
 * which X3 refuses. iat is set one second back to absorb Date's second precision.
 */
export class ConnectedAppJwtAuth implements X3Auth {
  readonly mode = 'jwt';
  private cached?: { header: string; expiresAtMs: number };
  private readonly key: Uint8Array;
  signed = 0;

  constructor(private readonly options: ConnectedAppOptions) {
    this.key = new TextEncoder().encode(options.secret);
  }

  async header(): Promise<string> {
    const now = this.options.clock.now();
    if (this.cached && now < this.cached.expiresAtMs - (this.options.renewBeforeMs ?? 30_000)) return this.cached.header;
    const iat = Math.floor(now / 1000) - 1;
    const exp = iat + this.options.lifetimeSeconds;
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(this.options.clientId).setSubject(this.options.user)
      .setAudience(this.options.audience).setIssuedAt(iat).setExpirationTime(exp).sign(this.key);
    this.signed += 1;
    this.cached = { header: `Bearer ${token}`, expiresAtMs: exp * 1000 };
    return this.cached.header;
  }

  invalidate(rejected: string): void {
    if (this.cached?.header === rejected) this.cached = undefined;
  }
}

export interface TokenGrant {
  accessToken: string;
  refreshToken: string;
  /** Local clock ms when the access token expires. */
  expiresAtMs: number;
}

export interface RefreshTokenOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** The refresh token to start from (the newest one the agent has kept). */
  refreshToken: string;
  /** Keeps a rotated refresh token: the old one may stop working as soon as the new one is issued. */
  onRefreshToken: (refreshToken: string) => Promise<void>;
  renewBeforeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** The token API failed; `retryable` when the server or network failed rather than the grant. */
export class X3TokenError extends Error {
  override readonly name = 'X3TokenError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * Access token (5 minutes) + refresh token (30 days). The access token is checked before every
 * request and refreshed when it is about to expire or after a 401; concurrent callers share ONE
 * refresh (a second refresh with a rotated token would fail), and the new refresh token is kept.
 */
export class RefreshTokenAuth implements X3Auth {
  readonly mode = 'oauth';
  private grant?: TokenGrant;
  private refreshToken: string;
  private inFlight?: Promise<TokenGrant>;
  refreshes = 0;

  constructor(private readonly options: RefreshTokenOptions) {
    this.refreshToken = options.refreshToken;
  }

  async header(): Promise<string> {
    const now = (this.options.now ?? Date.now)();
    if (this.grant && now < this.grant.expiresAtMs - (this.options.renewBeforeMs ?? 30_000)) return `Bearer ${this.grant.accessToken}`;
    return `Bearer ${(await this.refresh()).accessToken}`;
  }

  invalidate(rejected: string): void {
    if (this.grant && `Bearer ${this.grant.accessToken}` === rejected) this.grant = undefined;
  }

  private refresh(): Promise<TokenGrant> {
    this.inFlight ??= this.requestGrant().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async requestGrant(): Promise<TokenGrant> {
    const doFetch = this.options.fetch ?? fetch;
    let res: Response;
    try {
      res = await doFetch(this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: this.refreshToken, client_id: this.options.clientId, client_secret: this.options.clientSecret }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new X3TokenError(`the X3 token API did not answer: ${(error as Error).message}`, true);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok || typeof body['access_token'] !== 'string') {
      const reason = typeof body['error'] === 'string' ? `${body['error']}${body['error_description'] ? `: ${String(body['error_description'])}` : ''}` : `HTTP ${res.status}`;
      // A refused grant needs a person (pair the application again); a server error may pass.
      throw new X3TokenError(`the X3 token API refused the refresh token (${reason})`, res.status >= 500 || res.status === 429);
    }
    const now = (this.options.now ?? Date.now)();
    if (typeof body['refresh_token'] === 'string' && body['refresh_token'] !== this.refreshToken) {
      this.refreshToken = body['refresh_token'];
      await this.options.onRefreshToken(this.refreshToken);
    }
    this.refreshes += 1;
    const expiresIn = typeof body['expires_in'] === 'number' ? body['expires_in'] : 300;
    this.grant = { accessToken: body['access_token'], refreshToken: this.refreshToken, expiresAtMs: now + expiresIn * 1000 };
    return this.grant;
  }
}
