import { randomBytes } from 'node:crypto';
import type { DataCentre } from './data-centres.js';
import type { SimClock } from './sim-clock.js';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Empty means any redirect URI is accepted. */
  readonly redirectUris: readonly string[];
}

interface GrantCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly dc: DataCentre;
  readonly offline: boolean;
  readonly expiresAt: number;
}

export interface RefreshGrant {
  readonly token: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly dc: DataCentre;
  readonly createdAt: number;
  /** When each refresh grant minted an access token, for the 10-per-10-minutes throttle (the code exchange's token does not count). */
  mintedAt: number[];
  /** Live access tokens, oldest first, for the 15-live-tokens rule. */
  live: string[];
}

export interface AccessGrant {
  readonly token: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly dc: DataCentre;
  readonly expiresAt: number;
  readonly refreshToken: string | null;
  /** Set when a newer token evicted this one; Zoho then answers INVALID_OAUTHTOKEN. */
  evicted: boolean;
}

export type TokenResult =
  | { readonly ok: true; readonly accessToken: string; readonly refreshToken?: string; readonly scopes: readonly string[]; readonly expiresInSec: number }
  | { readonly ok: false; readonly error: string; readonly throttled?: boolean };

/** Refresh and access tokens as plain JSON, so a restarted simulator still honours what it issued. */
export interface OAuthState {
  readonly refreshTokens: RefreshGrant[];
  readonly accessTokens: AccessGrant[];
}

export const GRANT_CODE_TTL_MS = 3 * 60_000;
export const ACCESS_TOKEN_TTL_MS = 3_600_000;
export const THROTTLE_WINDOW_MS = 10 * 60_000;
export const THROTTLE_MAX_TOKENS = 10;
export const MAX_LIVE_ACCESS_TOKENS = 15;
export const MAX_REFRESH_TOKENS_PER_CLIENT = 20;

function zohoToken(): string {
  return `1000.${randomBytes(16).toString('hex')}.${randomBytes(16).toString('hex')}`;
}

/** Zoho's accounts server state: clients, grant codes, refresh and access tokens, with their limits. */
export class OAuthStore {
  private readonly clients = new Map<string, OAuthClient>();
  private readonly codes = new Map<string, GrantCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();

  constructor(private readonly clock: SimClock) {}

  registerClient(client: OAuthClient): void {
    this.clients.set(client.clientId, client);
  }

  client(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }

  exportState(): OAuthState {
    return { refreshTokens: [...this.refreshTokens.values()], accessTokens: [...this.accessTokens.values()] };
  }

  importState(state: OAuthState): void {
    this.clear();
    for (const grant of state.refreshTokens) this.refreshTokens.set(grant.token, grant);
    for (const grant of state.accessTokens) this.accessTokens.set(grant.token, grant);
  }

  issueCode(clientId: string, redirectUri: string, scopes: readonly string[], dc: DataCentre, offline: boolean): string {
    const code = zohoToken();
    this.codes.set(code, { clientId, redirectUri, scopes, dc, offline, expiresAt: this.clock.now() + GRANT_CODE_TTL_MS });
    return code;
  }

  private checkClient(clientId: string, clientSecret: string): string | undefined {
    const client = this.clients.get(clientId);
    if (!client) return 'invalid_client';
    if (client.clientSecret !== clientSecret) return 'invalid_client_secret';
    return undefined;
  }

  exchangeCode(dc: DataCentre, clientId: string, clientSecret: string, redirectUri: string, code: string): TokenResult {
    const clientError = this.checkClient(clientId, clientSecret);
    if (clientError) return { ok: false, error: clientError };
    const grant = this.codes.get(code);
    // A code is single use: take it out before any other check so a failed exchange also burns it.
    this.codes.delete(code);
    if (!grant || grant.clientId !== clientId || grant.dc !== dc || grant.expiresAt <= this.clock.now()) {
      return { ok: false, error: 'invalid_code' };
    }
    if (grant.redirectUri !== redirectUri) return { ok: false, error: 'invalid_redirect_uri' };
    if (!grant.offline) {
      const access = this.mintAccess(clientId, grant.scopes, dc, null);
      return { ok: true, accessToken: access.token, scopes: grant.scopes, expiresInSec: ACCESS_TOKEN_TTL_MS / 1000 };
    }
    const refresh = this.createRefreshToken(clientId, grant.scopes, dc);
    const access = this.mintAccess(clientId, grant.scopes, dc, refresh);
    return { ok: true, accessToken: access.token, refreshToken: refresh.token, scopes: grant.scopes, expiresInSec: ACCESS_TOKEN_TTL_MS / 1000 };
  }

  refresh(dc: DataCentre, clientId: string, clientSecret: string, refreshToken: string): TokenResult {
    const clientError = this.checkClient(clientId, clientSecret);
    if (clientError) return { ok: false, error: clientError };
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.clientId !== clientId || grant.dc !== dc) return { ok: false, error: 'invalid_code' };
    const now = this.clock.now();
    grant.mintedAt = grant.mintedAt.filter((at) => at > now - THROTTLE_WINDOW_MS);
    if (grant.mintedAt.length >= THROTTLE_MAX_TOKENS) return { ok: false, error: 'Access Denied', throttled: true };
    grant.mintedAt.push(now);
    const access = this.mintAccess(clientId, grant.scopes, dc, grant);
    return { ok: true, accessToken: access.token, scopes: grant.scopes, expiresInSec: ACCESS_TOKEN_TTL_MS / 1000 };
  }

  /** Revoking a refresh token also ends the access tokens minted from it. */
  revoke(token: string): boolean {
    const grant = this.refreshTokens.get(token);
    if (grant) {
      for (const access of grant.live) this.accessTokens.delete(access);
      this.refreshTokens.delete(token);
      return true;
    }
    return this.accessTokens.delete(token);
  }

  accessGrant(token: string): AccessGrant | undefined {
    return this.accessTokens.get(token);
  }

  isExpired(grant: AccessGrant): boolean {
    return grant.expiresAt <= this.clock.now();
  }

  private createRefreshToken(clientId: string, scopes: readonly string[], dc: DataCentre): RefreshGrant {
    const own = [...this.refreshTokens.values()].filter((grant) => grant.clientId === clientId);
    if (own.length >= MAX_REFRESH_TOKENS_PER_CLIENT) this.revoke(own[0].token);
    const grant: RefreshGrant = { token: zohoToken(), clientId, scopes, dc, createdAt: this.clock.now(), mintedAt: [], live: [] };
    this.refreshTokens.set(grant.token, grant);
    return grant;
  }

  private mintAccess(clientId: string, scopes: readonly string[], dc: DataCentre, refresh: RefreshGrant | null): AccessGrant {
    const now = this.clock.now();
    const access: AccessGrant = {
      token: zohoToken(),
      clientId,
      scopes,
      dc,
      expiresAt: now + ACCESS_TOKEN_TTL_MS,
      refreshToken: refresh?.token ?? null,
      evicted: false,
    };
    this.accessTokens.set(access.token, access);
    if (!refresh) return access;
    refresh.live = refresh.live.filter((token) => {
      const live = this.accessTokens.get(token);
      if (live && !live.evicted && live.expiresAt > now) return true;
      if (live && live.expiresAt <= now) this.accessTokens.delete(token);
      return false;
    });
    refresh.live.push(access.token);
    while (refresh.live.length > MAX_LIVE_ACCESS_TOKENS) {
      const oldest = this.accessTokens.get(refresh.live.shift() ?? '');
      if (oldest) oldest.evicted = true;
    }
    return access;
  }
}
