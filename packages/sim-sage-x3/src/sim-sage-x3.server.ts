import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.routes.js';
import { handleApi1 } from './api1.routes.js';
import { AuthError, AuthService, type ConnectedApp, type OAuthClient, type X3User } from './auth.service.js';
import { CallLog, FaultInjector, VolumeMeter, type CallEntry } from './faults.service.js';
import { readGraphqlRequest, runGraphql } from './graphql.routes.js';
import { HttpReply, parseJsonBody, readBody, sendJson, sleep, x3Error, type JsonObject, type JsonValue } from './http-kit.js';
import { SimClock, x3DateTime } from './sim-clock.js';
import { defaultSettings, type SimX3Settings } from './sim-settings.js';
import { X3Store } from './x3-store.js';

export interface SimSageX3Options {
  port?: number;
  host?: string;
  /** The X3 folder (api1 endpoint, x-xtrem-endpoint), e.g. SEED. */
  folder?: string;
  seed?: number;
  customers?: number;
  ordersPerCustomer?: number;
  users?: X3User[];
  apps?: ConnectedApp[];
  clients?: OAuthClient[];
  settings?: Partial<SimX3Settings>;
}

type Answer = { status: number; body: JsonValue; headers?: Record<string, string>; user?: string; note?: string };

/** One simulated X3 server: one folder, api1 + GraphQL + token API + admin API on one port. */
export class SimSageX3Server {
  readonly clock = new SimClock();
  readonly settings: SimX3Settings;
  readonly store: X3Store;
  readonly auth: AuthService;
  readonly faults = new FaultInjector();
  readonly volume: VolumeMeter;
  readonly calls = new CallLog();
  readonly folder: string;
  private readonly server: Server;
  private origin = '';

  private constructor(options: SimSageX3Options) {
    this.settings = { ...defaultSettings(), ...options.settings };
    this.folder = options.folder ?? 'SEED';
    this.store = new X3Store(this.clock);
    this.store.seed(options.seed ?? 1, options.customers ?? 100, options.ordersPerCustomer ?? 1);
    this.auth = new AuthService(this.clock, this.settings, () => this.xtremUrl);
    for (const user of options.users ?? [{ login: 'ADMIN', password: 'admin' }]) this.auth.users.set(user.login, user);
    for (const app of options.apps ?? []) this.auth.apps.set(app.clientId, app);
    for (const client of options.clients ?? []) this.auth.clients.set(client.clientId, client);
    this.volume = new VolumeMeter(this.clock, this.settings);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  static async start(options: SimSageX3Options = {}): Promise<SimSageX3Server> {
    const sim = new SimSageX3Server(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, host, () => resolve());
    });
    sim.origin = `http://${host}:${(sim.server.address() as AddressInfo).port}`;
    return sim;
  }

  get url(): string {
    return this.origin;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get xtremUrl(): string {
    return `${this.origin}/xtrem/api`;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim-sage-x3');
    const method = req.method ?? 'GET';
    let answer: Answer;
    let api: CallEntry['api'] = 'other';
    try {
      const body = await readBody(req);
      if (url.pathname.startsWith('/__admin/')) {
        const result = await handleAdmin(this, method, url.pathname.slice('/__admin/'.length), url.searchParams, parseJsonBody(body));
        sendJson(res, result.status, result.body, this.clock.now());
        return;
      }
      api = url.pathname === '/v1/token' ? 'token' : url.pathname.startsWith('/api1/') ? 'api1' : url.pathname === '/xtrem/api' ? 'graphql' : 'other';
      answer = await this.route(api, req, method, decodeURIComponent(url.pathname), url.searchParams, body);
    } catch (error) {
      if (error instanceof HttpReply) answer = { status: error.status, body: error.body, headers: error.headers };
      else if (error instanceof AuthError) answer = { status: 401, body: { $diagnoses: [{ $severity: 'error', $message: error.message }] }, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, note: error.reason };
      else {
        console.error('sim-sage-x3: unexpected error', error);
        answer = { status: 500, body: { $diagnoses: [{ $severity: 'error', $message: 'internal error' }] } };
      }
    }
    const bytes = sendJson(res, answer.status, answer.body, this.clock.now(), answer.headers);
    if (api === 'api1' || api === 'graphql') this.volume.record(bytes);
    this.calls.add({ at: x3DateTime(this.clock.now()), api, method, path: url.pathname, status: answer.status, user: answer.user, note: answer.note });
  }

  /** Latency, the licence's volume, the pool, then auth and the API itself. */
  private async route(api: CallEntry['api'], req: IncomingMessage, method: string, path: string, query: URLSearchParams, body: string): Promise<Answer> {
    if (api === 'other') throw x3Error(404, `nothing at ${path}`);
    if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
    if (api === 'token') {
      if (method !== 'POST') throw x3Error(405, 'POST the token request');
      const form = (req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded') ? Object.fromEntries(new URLSearchParams(body)) : parseJsonBody(body);
      try {
        return { status: 200, body: (await this.auth.token(form)) as JsonObject };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        return { status: error.reason === 'invalid_client' ? 401 : 400, body: { error: error.reason, error_description: error.message }, note: error.reason };
      }
    }
    const volume = this.volume.state();
    if (volume === 'exceeded') return { status: 503, body: { $diagnoses: [{ $severity: 'error', $message: 'Web services data volume of the licence is exhausted for this period' }] }, note: 'volume-exceeded' };
    if (volume === 'grace') await sleep(this.settings.volumeGraceDelayMs);
    if (this.faults.take('no-pool')) return { status: 500, body: { $diagnoses: [{ $severity: 'error', $message: 'No Web services accepted' }] }, note: 'no-pool' };
    if (api === 'api1') {
      const user = this.auth.basic(req.headers.authorization);
      const result = handleApi1({ store: this.store, folder: this.folder, origin: this.origin, maxItemsPerPage: this.settings.maxPageSize }, method, path, query);
      if (this.faults.take('success-with-errors') && result && typeof result === 'object' && !Array.isArray(result)) {
        return { status: 200, body: { ...result, $diagnoses: [{ $severity: 'error', $message: 'Query interrupted: some records could not be read' }] }, user, note: 'success-with-errors' };
      }
      return { status: 200, body: result, user };
    }
    if (method !== 'POST') throw x3Error(405, 'POST GraphQL requests');
    const endpoint = req.headers['x-xtrem-endpoint'];
    if (endpoint !== undefined && endpoint !== this.folder) throw x3Error(400, `endpoint "${String(endpoint)}" does not exist on this server`);
    const user = await this.auth.bearer(req.headers.authorization);
    const result = await runGraphql(readGraphqlRequest(parseJsonBody(body)), {
      store: this.store, user, maxPageSize: this.settings.maxPageSize, diagnoses: [], takeSuccessWithErrors: () => this.faults.take('success-with-errors'),
    });
    return { status: result.status, body: result.body, user };
  }
}

export function startSimSageX3(options: SimSageX3Options = {}): Promise<SimSageX3Server> {
  return SimSageX3Server.start(options);
}
