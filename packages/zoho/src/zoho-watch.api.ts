import type { ZohoCrmClient } from './zoho-crm.client.js';
import { ZohoApiError } from './zoho-errors.js';
import { zohoDateTime } from './zoho-records.api.js';

export interface WatchChannelSpec {
  readonly channelId: string;
  readonly events: readonly string[];
  readonly notifyUrl: string;
  /** At most 50 characters; Zoho echoes it in every callback. */
  readonly token: string;
  readonly expiresAt: Date;
}

export interface WatchChannelInfo {
  readonly channelId: string;
  readonly expiresAt: Date | undefined;
  readonly events: string[];
}

/** Zoho notification channels (`/crm/v8/actions/watch`). */
export class ZohoWatchApi {
  constructor(private readonly client: ZohoCrmClient) {}

  async enable(spec: WatchChannelSpec): Promise<void> {
    await this.write('POST', spec);
  }

  /** Renews (or changes) an existing channel; Zoho requires notify_url on PATCH in v8. */
  async renew(spec: WatchChannelSpec): Promise<void> {
    await this.write('PATCH', spec);
  }

  /** Undefined when Zoho does not know the channel (it lapsed). */
  async get(channelId: string, module: string): Promise<WatchChannelInfo | undefined> {
    const response = await this.client.request({ method: 'GET', path: '/crm/v8/actions/watch', query: { channel_id: channelId, module }, credits: 1, complex: false });
    if (response.status === 204) return undefined;
    const item = ((response.body as { watch?: Array<Record<string, unknown>> }).watch ?? [])[0];
    if (!item) return undefined;
    const expiry = typeof item['channel_expiry'] === 'string' ? new Date(item['channel_expiry']) : undefined;
    return { channelId: String(item['channel_id']), expiresAt: expiry, events: Array.isArray(item['events']) ? item['events'].map(String) : [] };
  }

  async disable(channelIds: readonly string[]): Promise<void> {
    await this.client.request({ method: 'DELETE', path: '/crm/v8/actions/watch', query: { channel_ids: channelIds.join(',') }, credits: 1, complex: false });
  }

  private async write(method: 'POST' | 'PATCH', spec: WatchChannelSpec): Promise<void> {
    const body = {
      watch: [
        {
          channel_id: spec.channelId,
          events: spec.events,
          channel_expiry: zohoDateTime(spec.expiresAt),
          token: spec.token,
          notify_url: spec.notifyUrl,
        },
      ],
    };
    const response = await this.client.request({ method, path: '/crm/v8/actions/watch', body, credits: 1, complex: false });
    // Item errors come wrapped with 202 (notifications.json); treat them like any refusal.
    const item = ((response.body as { watch?: Array<Record<string, unknown>> } | undefined)?.watch ?? [])[0];
    if (item && item['status'] === 'error') {
      throw new ZohoApiError(response.status, String(item['code']), String(item['message']), (item['details'] as Record<string, unknown> | undefined) ?? {});
    }
  }
}
