import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import type { SimZohoServer } from '@mlc/sim-zoho';
import { DataSource } from 'typeorm';
import { createLogger } from '../../common/logger.js';
import { loadRelayConfig } from '../../config/relay-config.js';
import { startRelay, type RunningRelay } from '../../relay-app.js';
import { TenantsService } from '../../tenants/tenants.service.js';
import { SYSTEM_CLOCK, type Clock } from '../zoho.tokens.js';
import { testDatabaseUrl } from '../../testing/test-database.js';

export const ADMIN_TOKEN = 'zoho-spec-admin-token-0123456789';
export const MASTER_KEYS = `k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('base64')}`;
const registered = new WeakMap<SimZohoServer, string[]>();
const CLIENT = { clientId: '1000.RELAYSPEC', clientSecret: 'relay-spec-secret' };

export interface JsonAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON answers
  body: any;
}

/** A relay (in this process, real HTTP, real PostgreSQL) whose Zoho is the simulator. */
export class ZohoTestRelay {
  private readonly tenants: string[] = [];
  private clockOffsetMs = 0;

  constructor(
    readonly relay: RunningRelay,
    readonly baseUrl: string,
    /** Every log line the relay wrote (JSON), for specs that check what is logged and what is not. */
    readonly logs: string[],
  ) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }

  admin(method: string, path: string, body?: unknown): Promise<JsonAnswer> {
    return this.request(method, path, body, { authorization: `Bearer ${ADMIN_TOKEN}` });
  }

  async createTenant(prefix: string): Promise<string> {
    const { id } = await this.relay.app.get(TenantsService).create(`${prefix}-${randomBytes(4).toString('hex')}`);
    this.tenants.push(id);
    return id;
  }

  /** Takes over a tenant another (stopped) test relay made, so close() parks it too. */
  adopt(tenantId: string): void {
    this.tenants.push(tenantId);
  }

  /** The whole OAuth dance over HTTP: admin starts it, the (auto-approving) sim redirects, the callback lands. */
  async connect(tenantId: string): Promise<JsonAnswer> {
    const started = await this.admin('POST', `/v1/tenants/${tenantId}/zoho/connect`);
    if (started.status !== 201) throw new Error(`connect answered ${started.status}: ${JSON.stringify(started.body)}`);
    const consent = await fetch(started.body.authorize_url as string, { redirect: 'manual' });
    const back = consent.headers.get('location') ?? '';
    return this.request('GET', back.slice(this.baseUrl.length));
  }

  /** Moves this relay's clock (the SYSTEM_CLOCK every Zoho service reads), as sim.clock.advance moves Zoho's. */
  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
    const offset = this.clockOffsetMs;
    Object.assign(this.relay.app.get<Clock>(SYSTEM_CLOCK), { now: () => Date.now() + offset });
  }

  /** Parks this relay's tenants first, so a later spec's scheduler does not call a simulator that is gone. */
  async close(): Promise<void> {
    await this.relay.app.get(DataSource).query(`UPDATE zoho_connection SET status = 'disconnected' WHERE tenant_id = ANY($1)`, [this.tenants]);
    await this.relay.close();
  }
}

/** `port` reuses a relay's address, as a restarted relay behind a stable URL would. */
export async function startZohoTestRelay(sim: SimZohoServer, env: Record<string, string> = {}, port?: number): Promise<ZohoTestRelay> {
  port ??= await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const redirectUri = `${baseUrl}/v1/zoho/oauth/callback`;
  // Replicas share one Zoho client; each spec relay adds its own callback URL to it.
  const redirectUris = [...(registered.get(sim) ?? []), redirectUri];
  registered.set(sim, redirectUris);
  sim.registerClient({ ...CLIENT, redirectUris });
  const dcs = ['us', 'eu', 'in', 'au', 'jp', 'ca'] as const;
  const config = loadRelayConfig({
    DATABASE_URL: await testDatabaseUrl(),
    RELAY_HTTP_PORT: String(port),
    RELAY_GRPC_PORT: '0',
    RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    ZOHO_CLIENT_ID: CLIENT.clientId,
    ZOHO_CLIENT_SECRET: CLIENT.clientSecret,
    ZOHO_REDIRECT_URI: redirectUri,
    ZOHO_ACCOUNTS_URL: sim.dc('us').accountsServer,
    ZOHO_ACCOUNTS_SERVERS: dcs.map((dc) => sim.dc(dc).accountsServer).join(','),
    ZOHO_WEBHOOK_BASE_URL: baseUrl,
    RELAY_MASTER_KEYS: MASTER_KEYS,
    // Specs drive the scheduler by hand.
    ZOHO_SCHEDULER_INTERVAL_MS: '3600000',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const relay = await startRelay(config, createLogger('info', {}, sink));
  return new ZohoTestRelay(relay, baseUrl, logs);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
