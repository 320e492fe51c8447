import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataCentre } from './data-centres.js';
import type { CallLog } from './call-log.js';
import type { FaultInjector } from './fault-injector.js';
import type { LimitsService } from './limits.service.js';
import type { OAuthStore } from './oauth.store.js';
import type { PageTokens } from './page-tokens.js';
import type { RecordsStore } from './records.store.js';
import type { SimClock } from './sim-clock.js';
import type { SimZohoSettings } from './sim-settings.js';
import type { WatchChannelsService } from './watch-channels.service.js';

/** Everything a route handler may touch; built once per server. */
export interface SimContext {
  readonly clock: SimClock;
  readonly settings: SimZohoSettings;
  readonly oauth: OAuthStore;
  readonly records: RecordsStore;
  readonly watch: WatchChannelsService;
  readonly limits: LimitsService;
  readonly log: CallLog;
  readonly pageTokens: PageTokens;
  readonly faults: FaultInjector;
  baseUrl(): string;
}

export interface RouteRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly dc: DataCentre;
  /** Path below the DC's accounts or api prefix, e.g. /crm/v8/Accounts. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  /** performance.now() when the request arrived: the call's latency counts from here. */
  readonly receivedAt: number;
}
