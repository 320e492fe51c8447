import { randomBytes, timingSafeEqual } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import type { SimClock } from './sim-clock.js';

/** An X3 user for Basic auth (api1). */
export interface X3User {
  login: string;
  password: string;
}

/**
 * A connected application (Administration > Authentication > Connected applications): the client
 * signs its own HS256 JWT with the secret, `iss` = client id, `sub` = the allowed user, `aud` = the
 * application's URL; tokens may live at most `tokenValiditySeconds`.
 */
export interface ConnectedApp {
  clientId: string;
  secret: string;
  user: string;
  tokenValiditySeconds: number;
  /** The audience tokens must name; undefined = the server's own /xtrem/api URL. */
  url?: string;
}

/** An app registered for the authorization-code flow (access token 5 min, refresh token 30 days). */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
}

export interface AuthSettings {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  /** 'rotate': a refresh answers a new refresh token and retires the old one; 'reuse': the old one stays valid. */
  refreshRotation: 'rotate' | 'reuse';
  /** Seconds of clock difference tolerated on iat/exp. X3 refuses an iat in the future. */
  clockToleranceSeconds: number;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface RefreshGrant {
  clientId: string;
  user: string;
  expiresAt: number;
}

export interface TokenCounters {
  jwtAccepted: number;
  accessTokensIssued: number;
  refreshes: number;
  codesExchanged: number;
  rejected: Record<string, number>;
}

const SIM_ISSUER = 'sim-sage-x3-token-api';

/** Everything about who may call: Basic users, connected-app JWTs, and issued access/refresh tokens. */
export class AuthService {
  readonly users = new Map<string, X3User>();
  readonly apps = new Map<string, ConnectedApp>();
  readonly clients = new Map<string, OAuthClient>();
  readonly counters: TokenCounters = { jwtAccepted: 0, accessTokensIssued: 0, refreshes: 0, codesExchanged: 0, rejected: {} };
  private readonly codes = new Map<string, { clientId: string; user: string; expiresAt: number }>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly signingKey = randomBytes(32);

  constructor(
    private readonly clock: SimClock,
    readonly settings: AuthSettings,
    private readonly xtremUrl: () => string,
  ) {}

  /** Basic auth for api1; answers the user's login. */
  basic(header: string | undefined): string {
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match) throw this.reject('missing', 'Basic authentication required');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = this.users.get(decoded.slice(0, colon));
    if (colon < 0 || !user || !safeEqual(user.password, decoded.slice(colon + 1))) throw this.reject('bad-password', 'invalid user or password');
    return user.login;
  }

  /** Bearer auth for GraphQL: a connected-app JWT or an access token from the token API; answers the user. */
  async bearer(header: string | undefined): Promise<string> {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw this.reject('missing', 'Bearer token required');
    let claims: ReturnType<typeof decodeJwt>;
    try {
      claims = decodeJwt(match[1]);
    } catch {
      throw this.reject('malformed', 'the bearer token is not a JWT');
    }
    if (claims.iss === SIM_ISSUER) return this.verifyAccessToken(match[1]);
    const app = typeof claims.iss === 'string' ? this.apps.get(claims.iss) : undefined;
    if (!app) throw this.reject('unknown-client', `no connected application with client id "${String(claims.iss)}"`);
    return this.verifyAppJwt(match[1], app);
  }

  /** An X3 user consents to a client (the pairing step): answers a single-use authorization code. */
  authorize(clientId: string, user: string): string {
    if (!this.clients.has(clientId)) throw new AuthError('unknown-client', `no client "${clientId}"`);
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { clientId, user, expiresAt: this.clock.now() + 120_000 });
    return code;
  }

  /** The token API: authorization_code or refresh_token grant. */
  async token(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const client = this.clients.get(String(body['client_id'] ?? ''));
    if (!client || !safeEqual(client.clientSecret, String(body['client_secret'] ?? ''))) throw this.reject('invalid_client', 'invalid_client');
    const now = this.clock.now();
    let user: string;
    if (body['grant_type'] === 'authorization_code') {
      const code = this.codes.get(String(body['code'] ?? ''));
      this.codes.delete(String(body['code'] ?? ''));
      if (!code || code.expiresAt <= now || code.clientId !== client.clientId) throw this.reject('invalid_grant', 'invalid_grant: the code is unknown, used or expired');
      user = code.user;
      this.counters.codesExchanged += 1;
    } else if (body['grant_type'] === 'refresh_token') {
      const presented = String(body['refresh_token'] ?? '');
      const grant = this.refreshTokens.get(presented);
      if (!grant || grant.expiresAt <= now || grant.clientId !== client.clientId) throw this.reject('invalid_grant', 'invalid_grant: the refresh token is unknown, retired or expired');
      if (this.settings.refreshRotation === 'rotate') this.refreshTokens.delete(presented);
      user = grant.user;
      this.counters.refreshes += 1;
    } else {
      throw this.reject('unsupported_grant_type', 'unsupported_grant_type');
    }
    return this.issue(client.clientId, user);
  }

  /** For the admin API: a refresh token as if `user` had paired `clientId`. */
  async pair(clientId: string, user: string): Promise<Record<string, unknown>> {
    if (!this.clients.has(clientId)) throw new AuthError('unknown-client', `no client "${clientId}"`);
    return this.issue(clientId, user);
  }

  /** Revokes every refresh token (the customer deleted the pairing). */
  revokeAll(): void {
    this.refreshTokens.clear();
  }

  private async issue(clientId: string, user: string): Promise<Record<string, unknown>> {
    const nowSeconds = Math.floor(this.clock.now() / 1000);
    const { accessTokenSeconds, refreshTokenSeconds } = this.settings;
    const accessToken = await new SignJWT({ azp: clientId, scopes: 'api.graphQL' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer(SIM_ISSUER).setAudience(SIM_ISSUER).setSubject(user)
      .setIssuedAt(nowSeconds).setExpirationTime(nowSeconds + accessTokenSeconds).setJti(randomBytes(8).toString('hex'))
      .sign(this.signingKey);
    const refreshToken = randomBytes(24).toString('base64url');
    this.refreshTokens.set(refreshToken, { clientId, user, expiresAt: this.clock.now() + refreshTokenSeconds * 1000 });
    this.counters.accessTokensIssued += 1;
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: accessTokenSeconds, refresh_token_expires_in: refreshTokenSeconds };
  }

  private async verifyAccessToken(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.signingKey, { algorithms: ['HS256'], issuer: SIM_ISSUER, currentDate: new Date(this.clock.now()), clockTolerance: this.settings.clockToleranceSeconds });
      return String(payload.sub);
    } catch (error) {
      throw this.fromJose(error);
    }
  }

  private async verifyAppJwt(token: string, app: ConnectedApp): Promise<string> {
    const now = this.clock.now();
    const tolerance = this.settings.clockToleranceSeconds;
    let payload;
    try {
      ({ payload } = await jwtVerify(token, new TextEncoder().encode(app.secret), {
        algorithms: ['HS256'], audience: app.url ?? this.xtremUrl(), currentDate: new Date(now), clockTolerance: tolerance, requiredClaims: ['iat', 'exp', 'sub'],
      }));
    } catch (error) {
      throw this.fromJose(error);
    }
    const iat = payload.iat ?? 0;
    const exp = payload.exp ?? 0;
    // Checked here too, whatever the JWT library's defaults: the clock-skew failure peers hit.
    if (iat * 1000 > now + tolerance * 1000) throw this.reject('iat-in-future', `token issued in the future (iat ${iat}, server time ${Math.floor(now / 1000)}): check the client's clock`);
    if (exp - iat > app.tokenValiditySeconds) throw this.reject('lifetime', `token lifetime ${exp - iat} s is over the connected application's ${app.tokenValiditySeconds} s`);
    if (payload.sub !== app.user) throw this.reject('wrong-user', `user "${String(payload.sub)}" is not the connected application's allowed user`);
    this.counters.jwtAccepted += 1;
    return app.user;
  }

  private fromJose(error: unknown): AuthError {
    if (error instanceof joseErrors.JWTExpired) return this.reject('expired', 'token expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed) {
      if (error.claim === 'iat') return this.reject('iat-in-future', 'token issued in the future: check the client\'s clock');
      return this.reject(`claim-${error.claim}`, `token claim "${error.claim}" is not valid: ${error.reason}`);
    }
    if (error instanceof joseErrors.JWSSignatureVerificationFailed) return this.reject('bad-signature', 'token signature does not verify');
    return this.reject('invalid', `invalid token: ${(error as Error).message}`);
  }

  private reject(reason: string, message: string): AuthError {
    this.counters.rejected[reason] = (this.counters.rejected[reason] ?? 0) + 1;
    return new AuthError(reason, message);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
