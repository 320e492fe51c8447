import { dataCentreUrls } from './data-centres.js';
import type { CallbackEntry, CallLog } from './call-log.js';
import type { JsonObject, JsonValue } from './http-kit.js';
import type { ChangeEvent, RecordsStore } from './records.store.js';
import { zohoDateTime, type SimClock } from './sim-clock.js';
import type { SimZohoSettings } from './sim-settings.js';

export interface WatchChannel {
  readonly channelId: string;
  events: string[];
  expiresAt: number;
  token: string | null;
  notifyUrl: string;
  returnAffectedFieldValues: boolean;
  notifyOnRelatedAction: boolean;
}

const OPERATION_EVENT = { insert: 'create', update: 'edit', delete: 'delete' } as const;
const CALLBACK_TIMEOUT_MS = 10_000;

export function eventModule(event: string): string {
  return event.slice(0, event.lastIndexOf('.'));
}

/** Watch channels and the ID-only callbacks Zoho POSTs to their notify_url. */
export class WatchChannelsService {
  private readonly channels = new Map<string, WatchChannel>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly clock: SimClock,
    private readonly settings: SimZohoSettings,
    private readonly log: CallLog,
    private readonly records: RecordsStore,
    private readonly baseUrl: () => string,
  ) {
    records.onChange((event) => this.notify(event));
  }

  resourceUri(module: string): string {
    return `${dataCentreUrls(this.baseUrl(), this.settings.orgDc).apiDomain}/crm/v8/${module}`;
  }

  resourceId(module: string): string {
    return this.records.table(module)?.def.id ?? '0';
  }

  /** Live channels; expired ones are dropped here, on the simulated clock. */
  live(): WatchChannel[] {
    const now = this.clock.now();
    for (const [id, channel] of this.channels) if (channel.expiresAt <= now) this.channels.delete(id);
    return [...this.channels.values()];
  }

  get(channelId: string): WatchChannel | undefined {
    return this.live().find((channel) => channel.channelId === channelId);
  }

  save(channel: WatchChannel): void {
    this.channels.set(channel.channelId, channel);
  }

  remove(channelId: string): WatchChannel | undefined {
    const channel = this.get(channelId);
    this.channels.delete(channelId);
    return channel;
  }

  clear(): void {
    this.channels.clear();
  }

  exportState(): WatchChannel[] {
    return this.live();
  }

  importState(channels: readonly WatchChannel[]): void {
    this.clear();
    for (const channel of channels) this.save(channel);
  }

  /** Resolves once every callback sent so far has been answered or has failed. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private notify(event: ChangeEvent): void {
    const wanted = `${event.module}.${OPERATION_EVENT[event.operation]}`;
    const all = `${event.module}.all`;
    for (const channel of this.live()) {
      if (!channel.events.includes(wanted) && !channel.events.includes(all)) continue;
      this.send(channel, this.callbackBody(channel, event));
    }
  }

  private callbackBody(channel: WatchChannel, event: ChangeEvent): JsonObject {
    const queryParams: JsonObject = {};
    for (const [key, value] of new URL(channel.notifyUrl).searchParams) queryParams[key] = value;
    const affectedFields: JsonValue[] = Object.entries(event.affectedFields).map(([id, fields]) => ({ [id]: fields }));
    const body: JsonObject = {
      server_time: this.clock.now(),
      query_params: queryParams,
      module: event.module,
      resource_uri: this.resourceUri(event.module),
      ids: event.ids,
      affected_fields: affectedFields,
      operation: event.operation,
      channel_id: channel.channelId,
      token: channel.token,
    };
    if (channel.returnAffectedFieldValues && event.operation === 'update') body.affected_values = this.affectedValues(event);
    return body;
  }

  private affectedValues(event: ChangeEvent): JsonValue[] {
    const table = this.records.table(event.module);
    return Object.entries(event.affectedFields).map(([id, fields]) => {
      const record = table?.records.get(id);
      const values: JsonObject = {};
      for (const field of fields) values[field] = record?.values[field] ?? null;
      return { record_id: id, values };
    });
  }

  private send(channel: WatchChannel, body: JsonObject): void {
    const entry: CallbackEntry = { at: zohoDateTime(this.clock.now()), channelId: channel.channelId, notifyUrl: channel.notifyUrl, body, outcome: 'pending' };
    this.log.addCallback(entry);
    if (Math.random() < this.settings.callbackDropRate) {
      entry.outcome = 'dropped';
      return;
    }
    const delivery = fetch(channel.notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        entry.outcome = response.status;
      })
      .catch((error: unknown) => {
        entry.outcome = error instanceof Error ? error.message : String(error);
      })
      .finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
  }
}
