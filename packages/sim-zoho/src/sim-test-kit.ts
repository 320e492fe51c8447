import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataCentre } from './data-centres.js';
import { validateAgainstZohoOas } from './oas-validator.js';
import type { SimZohoSettings } from './sim-settings.js';
import { startSimZoho, type SimZohoServer } from './sim-zoho.server.js';

/** Helpers for this package's specs (and other packages' tests): a client of the simulator over real HTTP. */

export const TEST_CLIENT = { clientId: '1000.TESTCLIENT', clientSecret: 'test-secret', redirectUri: 'http://localhost:9/callback' };
export const ALL_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.coql.READ', 'ZohoCRM.notifications.ALL', 'ZohoCRM.org.ALL'];

export function startTestSim(settings: Partial<SimZohoSettings> = {}): Promise<SimZohoServer> {
  return startSimZoho({
    clients: [{ clientId: TEST_CLIENT.clientId, clientSecret: TEST_CLIENT.clientSecret, redirectUris: [TEST_CLIENT.redirectUri] }],
    settings: { autoApprove: true, ...settings },
  });
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs poke into arbitrary JSON
  readonly json: any;
}

export async function http(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export interface GrantRedirect {
  readonly code: string;
  readonly location: string;
  readonly accountsServer: string;
}

export async function authorize(sim: SimZohoServer, dc: DataCentre = 'us', scopes: readonly string[] = ALL_SCOPES, accessType = 'offline'): Promise<GrantRedirect> {
  const query = new URLSearchParams({
    scope: scopes.join(','),
    client_id: TEST_CLIENT.clientId,
    response_type: 'code',
    access_type: accessType,
    prompt: 'consent',
    redirect_uri: TEST_CLIENT.redirectUri,
  });
  const result = await http(`${sim.dc(dc).accountsServer}/oauth/v2/auth?${query}`);
  if (result.status !== 302) throw new Error(`authorize answered ${result.status}: ${result.text}`);
  const location = new URL(result.headers.get('location') ?? '');
  return {
    code: location.searchParams.get('code') ?? '',
    location: location.searchParams.get('location') ?? '',
    accountsServer: location.searchParams.get('accounts-server') ?? '',
  };
}

export function tokenRequest(accountsServer: string, params: Record<string, string>): Promise<HttpResult> {
  return http(`${accountsServer}/oauth/v2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
}

export function exchangeCode(grant: GrantRedirect, code = grant.code): Promise<HttpResult> {
  return tokenRequest(grant.accountsServer, {
    grant_type: 'authorization_code',
    client_id: TEST_CLIENT.clientId,
    client_secret: TEST_CLIENT.clientSecret,
    redirect_uri: TEST_CLIENT.redirectUri,
    code,
  });
}

export function refreshAccess(accountsServer: string, refreshToken: string): Promise<HttpResult> {
  return tokenRequest(accountsServer, {
    grant_type: 'refresh_token',
    client_id: TEST_CLIENT.clientId,
    client_secret: TEST_CLIENT.clientSecret,
    refresh_token: refreshToken,
  });
}

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly apiDomain: string;
  readonly accountsServer: string;
}

export async function login(sim: SimZohoServer, scopes: readonly string[] = ALL_SCOPES): Promise<Session> {
  const grant = await authorize(sim, 'us', scopes);
  const token = await exchangeCode(grant);
  if (!token.json?.access_token) throw new Error(`code exchange failed: ${token.text}`);
  return { accessToken: token.json.access_token, refreshToken: token.json.refresh_token, apiDomain: token.json.api_domain, accountsServer: grant.accountsServer };
}

/** Calls the CRM API and checks every answer against Zoho's OAS, so each spec also tests the contract. */
export async function api(session: Pick<Session, 'accessToken' | 'apiDomain'>, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const result = await http(`${session.apiDomain}${path}`, {
    method,
    headers: { authorization: `Zoho-oauthtoken ${session.accessToken}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (path.startsWith('/crm/v8/') && result.status !== 304) {
    const check = validateAgainstZohoOas(method, path, result.status, result.json);
    if (!check.valid) throw new Error(`${method} ${path} -> ${result.status} violates the Zoho OAS: ${check.errors.join('; ')}\n${result.text.slice(0, 500)}`);
  }
  return result;
}

export function admin(sim: SimZohoServer, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return http(`${sim.baseUrl()}/__admin/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export interface CallbackReceiver {
  readonly url: string;
  readonly received: { body: Record<string, unknown>; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startCallbackReceiver(path = '/zoho/notify?tenant=t1'): Promise<CallbackReceiver> {
  const received: CallbackReceiver['received'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>, headers: req.headers });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function accountRecords(count: number, prefix = 'Acct'): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({ Account_Name: `${prefix} ${index}`, Account_Number: String(index) }));
}
