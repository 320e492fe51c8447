import { randomBytes } from 'node:crypto';
import { createLogger } from '../../common/logger.js';
import { loadRelayConfig } from '../../config/relay-config.js';
import { startRelay, type RunningRelay } from '../../relay-app.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { testDatabaseUrl } from '../../testing/test-database.js';
import { ConsoleAuthService } from '../console-auth.service.js';
import type { Role } from '../console.repository.js';

export const PASSWORD = 'correct horse battery staple';

export interface JsonAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON answers
  body: any;
}

/** A signed-in browser, reduced to its cookie and CSRF token. */
export interface ConsoleSession {
  cookie: string;
  csrf: string;
}

/** A relay in this process (real HTTP, real PostgreSQL) for console API specs. */
export class ConsoleTestRelay {
  constructor(
    readonly relay: RunningRelay,
    readonly baseUrl: string,
  ) {}

  async request(method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}): Promise<JsonAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...options.headers },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** As a signed-in user: the cookie, and the CSRF token on state-changing calls. */
  asUser(session: ConsoleSession, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    return this.request(method, path, { body, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } });
  }

  asToken(token: string, method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    return this.request(method, path, { body, headers: { authorization: `Bearer ${token}` } });
  }

  async createTenant(prefix: string): Promise<{ id: string; name: string }> {
    const name = `${prefix}-${randomBytes(4).toString('hex')}`;
    const { id } = await this.relay.app.get(TenantsService).create(name);
    return { id, name };
  }

  /** A user with a role in a tenant, signed in over HTTP. */
  async signedIn(tenantId: string, role: Role): Promise<ConsoleSession & { email: string }> {
    const email = `${role}-${randomBytes(4).toString('hex')}@example.com`;
    const auth = this.relay.app.get(ConsoleAuthService);
    await auth.createUser(email, PASSWORD);
    await auth.grant(email, tenantId, role);
    const response = await fetch(`${this.baseUrl}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const me = await this.request('GET', '/console/api/me', { headers: { cookie } });
    return { email, cookie, csrf: String(me.body.csrf_token) };
  }

  close(): Promise<void> {
    return this.relay.close();
  }
}

export async function startConsoleTestRelay(env: Record<string, string> = {}): Promise<ConsoleTestRelay> {
  const config = loadRelayConfig({ DATABASE_URL: await testDatabaseUrl(), RELAY_HTTP_PORT: '0', RELAY_GRPC_PORT: '0', LOG_LEVEL: 'silent', ...env });
  const relay = await startRelay(config, createLogger('silent'));
  return new ConsoleTestRelay(relay, `http://127.0.0.1:${relay.httpPort}`);
}
