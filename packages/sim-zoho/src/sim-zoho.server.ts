import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin.routes.js';
import { authenticate, checkScope, resolveOperation } from './api.router.js';
import type { ApiResult } from './api-result.js';
import { CallLog } from './call-log.js';
import { FaultInjector } from './fault-injector.js';
import { dataCentreUrls, parseDcRoute, type DataCentre, type DataCentreUrls } from './data-centres.js';
import { HttpReply, JsonText, readBody, sendJson, sendReply, sleep, zohoError, type JsonValue } from './http-kit.js';
import { LimitsService } from './limits.service.js';
import { OAuthStore, type OAuthClient, type OAuthState } from './oauth.store.js';
import { handleAccounts } from './oauth.routes.js';
import { PageTokens } from './page-tokens.js';
import type { FieldDef } from './record-modules.js';
import { RecordsStore, type RecordsState } from './records.store.js';
import { SimClock, zohoDateTime } from './sim-clock.js';
import type { RouteRequest, SimContext } from './sim-context.js';
import { defaultSettings, type SimZohoSettings } from './sim-settings.js';
import { WatchChannelsService, type WatchChannel } from './watch-channels.service.js';

export interface SimZohoOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly clients?: readonly OAuthClient[];
  readonly settings?: Partial<SimZohoSettings>;
  readonly customFields?: readonly { readonly module: string; readonly field: FieldDef }[];
  /** A state saved by `saveState()`: it replaces the modules (and customFields) and restores tokens and channels. */
  readonly state?: SimZohoState;
}

/**
 * What a restart keeps: records with the org's modules and fields, issued tokens and watch channels.
 * Credits, logs, faults and the clock offset start afresh.
 */
export interface SimZohoState {
  readonly version: 1;
  readonly records: RecordsState;
  readonly oauth: OAuthState;
  readonly channels: WatchChannel[];
}

function tooManyRequests(): HttpReply {
  return zohoError(429, 'TOO_MANY_REQUESTS', 'You have exceeded the maximum number of API calls. Please try again later.');
}

/** A simulated Zoho CRM (accounts servers and API domains of several DCs) on one HTTP port. */
export class SimZohoServer implements SimContext {
  readonly clock = new SimClock();
  readonly settings: SimZohoSettings;
  readonly oauth: OAuthStore;
  readonly records: RecordsStore;
  readonly limits: LimitsService;
  readonly log = new CallLog();
  readonly pageTokens: PageTokens;
  readonly faults = new FaultInjector();
  readonly watch: WatchChannelsService;
  private readonly server: Server;
  private origin = '';

  private constructor(options: SimZohoOptions) {
    this.settings = { ...defaultSettings(), ...options.settings };
    this.oauth = new OAuthStore(this.clock);
    this.records = new RecordsStore(this.clock);
    this.records.acceptUnknownFields = this.settings.acceptUnknownFields;
    this.limits = new LimitsService(this.clock, this.settings);
    this.pageTokens = new PageTokens(this.clock);
    this.watch = new WatchChannelsService(this.clock, this.settings, this.log, this.records, () => this.baseUrl());
    for (const client of options.clients ?? []) this.oauth.registerClient(client);
    for (const { module, field } of options.customFields ?? []) this.records.addCustomField(module, field);
    if (options.state) this.restoreState(options.state);
    this.server = createServer((req, res) => void this.handle(req, res));
    // Keep idle connections longer than clients' pools usually do, so benchmarks reuse sockets.
    this.server.keepAliveTimeout = 65_000;
  }

  static async start(options: SimZohoOptions = {}): Promise<SimZohoServer> {
    const sim = new SimZohoServer(options);
    const host = options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      sim.server.once('error', reject);
      sim.server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = sim.server.address() as AddressInfo;
    sim.origin = `http://${host}:${port}`;
    return sim;
  }

  baseUrl(): string {
    return this.origin;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  dc(dc: DataCentre): DataCentreUrls {
    return dataCentreUrls(this.origin, dc);
  }

  registerClient(client: OAuthClient): void {
    this.oauth.registerClient(client);
  }

  saveState(): SimZohoState {
    return { version: 1, records: this.records.exportState(), oauth: this.oauth.exportState(), channels: this.watch.exportState() };
  }

  private restoreState(state: SimZohoState): void {
    if (state.version !== 1) throw new RangeError(`unsupported sim-zoho state version ${String(state.version)}`);
    this.records.importState(state.records);
    this.oauth.importState(state.oauth);
    this.watch.importState(state.channels);
  }

  reset(): void {
    this.records.reset();
    this.oauth.clear();
    this.watch.clear();
    this.pageTokens.clear();
    this.limits.reset();
    this.faults.clear();
    this.log.clear();
    this.clock.reset();
  }

  async close(): Promise<void> {
    await this.watch.idle();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    try {
      const url = new URL(req.url ?? '/', 'http://sim-zoho');
      const body = await readBody(req);
      if (url.pathname.startsWith('/__admin/')) {
        await handleAdmin(this, { reset: () => this.reset() }, req, res, url.pathname.slice('/__admin/'.length), url.searchParams, body);
        return;
      }
      const route = parseDcRoute(url.pathname);
      if (!route) {
        sendJson(res, 404, { code: 'INVALID_URL_PATTERN', details: {}, message: 'Please check if the URL trying to access is a correct one', status: 'error' });
        return;
      }
      const request: RouteRequest = { req, res, method: req.method ?? 'GET', dc: route.dc, path: route.path, query: url.searchParams, body, receivedAt };
      if (route.kind === 'accounts') handleAccounts(this, request);
      else await this.handleApi(request);
    } catch (error) {
      if (error instanceof HttpReply) {
        sendReply(res, error.status, error.body, error.headers);
        return;
      }
      console.error('sim-zoho: unexpected error', error);
      if (!res.headersSent) sendJson(res, 500, { code: 'INTERNAL_ERROR', details: {}, message: 'Internal server error occurred.', status: 'error' });
    }
  }

  /** Injected faults first, then auth, routing, concurrency, latency, credits; every call is logged. */
  private async handleApi(request: RouteRequest): Promise<void> {
    const fault = this.faults.take();
    if (fault) {
      this.log.addCall({ at: zohoDateTime(this.clock.now()), dc: request.dc, method: request.method, path: request.path, status: fault.kind === 'reset' ? 0 : fault.status, credits: 0 });
      if (fault.kind === 'reset') request.req.socket.destroy();
      else sendReply(request.res, fault.status, fault.body);
      return;
    }
    let credits = 0;
    let result: ApiReply;
    try {
      result = await this.runApi(request, (charged) => (credits = charged));
    } catch (error) {
      if (!(error instanceof HttpReply)) throw error;
      result = { status: error.status, body: error.body as ApiResult['body'] };
    }
    this.log.addCall({ at: zohoDateTime(this.clock.now()), dc: request.dc, method: request.method, path: request.path, status: result.status, credits });
    sendReply(request.res, result.status, result.body, this.limits.remainingHeader());
  }

  private async runApi(request: RouteRequest, charged: (credits: number) => void): Promise<ApiReply> {
    const grant = authenticate(this, request);
    const operation = resolveOperation(this, request);
    checkScope(grant, operation);
    const release = this.limits.acquire(operation.complex);
    if (!release) throw tooManyRequests();
    try {
      let result: ApiReply;
      try {
        if (!this.limits.canSpend(operation.credits)) throw tooManyRequests();
        result = serialized(operation.run());
      } finally {
        await this.restOfLatency(request);
      }
      if (result.status < 400) {
        this.limits.charge(operation.credits);
        charged(operation.credits);
      }
      return result;
    } finally {
      release();
    }
  }

  /**
   * A call takes latencyMs from its arrival, the sim's own work included (Zoho's latency is its
   * servers' too), and holds its concurrency slot that long; work that takes longer adds no more.
   */
  private async restOfLatency(request: RouteRequest): Promise<void> {
    const rest = request.receivedAt + this.settings.latencyMs - performance.now();
    if (rest > 0) await sleep(rest);
  }
}

/** An API call's answer, its body serialized inside the call's latency (Zoho's own work is in its latency). */
interface ApiReply {
  readonly status: number;
  readonly body?: JsonValue | JsonText;
}

function serialized(result: ApiResult): ApiReply {
  return result.body === undefined ? result : { status: result.status, body: new JsonText(JSON.stringify(result.body)) };
}

export function startSimZoho(options: SimZohoOptions = {}): Promise<SimZohoServer> {
  return SimZohoServer.start(options);
}
