import { ZohoNetworkError, ZohoOAuthError } from './zoho-errors.js';

export interface ZohoClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
}

export interface ZohoTokenSet {
  readonly accessToken: string;
  /** Only the code exchange returns one; a refresh never does. */
  readonly refreshToken: string | undefined;
  readonly apiDomain: string;
  readonly expiresInMs: number;
  readonly scope: string | undefined;
}

export interface AuthorizeUrlParams {
  readonly accountsServer: string;
  readonly scopes: readonly string[];
  readonly state: string;
}

/** Zoho answers without expires_in sometimes; the documented lifetime is one hour. */
const DEFAULT_EXPIRES_MS = 3_600_000;

/** The accounts server's OAuth endpoints (authorization code, refresh, revoke). */
export class ZohoOAuthClient {
  constructor(
    private readonly credentials: ZohoClientCredentials,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** offline + consent: the only way to be given a refresh token. */
  authorizeUrl({ accountsServer, scopes, state }: AuthorizeUrlParams): string {
    const query = new URLSearchParams({
      scope: scopes.join(','),
      client_id: this.credentials.clientId,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      redirect_uri: this.credentials.redirectUri,
      state,
    });
    return `${trimSlash(accountsServer)}/oauth/v2/auth?${query}`;
  }

  /** Exchanges a grant code at the accounts server the redirect named (it is single use, 2-3 minutes). */
  async exchangeCode(accountsServer: string, code: string): Promise<ZohoTokenSet> {
    return this.tokenRequest(accountsServer, {
      grant_type: 'authorization_code',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      redirect_uri: this.credentials.redirectUri,
      code,
    });
  }

  async refresh(accountsServer: string, refreshToken: string): Promise<ZohoTokenSet> {
    return this.tokenRequest(accountsServer, {
      grant_type: 'refresh_token',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
      refresh_token: refreshToken,
    });
  }

  async revoke(accountsServer: string, refreshToken: string): Promise<void> {
    const { text } = await this.post(`${trimSlash(accountsServer)}/oauth/v2/token/revoke?${new URLSearchParams({ token: refreshToken })}`, { method: 'POST' });
    const body = parseObject(text) ?? {};
    if (typeof body['error'] === 'string') throw new ZohoOAuthError(body['error'], stringOrUndefined(body['error_description']));
  }

  /** One call to the accounts server; not reaching it (or losing the answer) is a ZohoNetworkError. */
  private async post(url: string, init: RequestInit): Promise<{ status: number; text: string }> {
    try {
      const response = await this.fetchImpl(url, init);
      return { status: response.status, text: await response.text() };
    } catch (err) {
      throw new ZohoNetworkError(err);
    }
  }

  private async tokenRequest(accountsServer: string, params: Record<string, string>): Promise<ZohoTokenSet> {
    const response = await this.post(`${trimSlash(accountsServer)}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const body = parseObject(response.text);
    if (!body) throw new ZohoOAuthError(`http_${response.status}`, 'the accounts server did not answer JSON');
    // Errors, the throttle included, come with HTTP 200.
    if (typeof body['error'] === 'string') throw new ZohoOAuthError(body['error'], stringOrUndefined(body['error_description']));
    if (typeof body['access_token'] !== 'string' || typeof body['api_domain'] !== 'string') {
      throw new ZohoOAuthError(`http_${response.status}`, 'the token response has no access_token or api_domain');
    }
    return {
      accessToken: body['access_token'],
      refreshToken: stringOrUndefined(body['refresh_token']),
      apiDomain: trimSlash(body['api_domain']),
      expiresInMs: expiresInMs(body),
      scope: stringOrUndefined(body['scope']),
    };
  }
}

/** The answer's JSON object, or undefined when it is not one. */
function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `expires_in` is seconds, but legacy answers give milliseconds there plus `expires_in_sec`. */
function expiresInMs(body: Record<string, unknown>): number {
  if (typeof body['expires_in_sec'] === 'number') return body['expires_in_sec'] * 1000;
  const value = body['expires_in'];
  if (typeof value !== 'number' || value <= 0) return DEFAULT_EXPIRES_MS;
  return value > 86_400 ? value : value * 1000;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
