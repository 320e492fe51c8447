import { batchStatus, type ApiOperation, type ApiResult } from './api-result.js';
import { isObject, parseJsonBody, zohoError, type JsonObject, type JsonValue } from './http-kit.js';
import { parseZohoDateTime, zohoDateTime } from './sim-clock.js';
import type { RouteRequest, SimContext } from './sim-context.js';
import { eventModule, type WatchChannel } from './watch-channels.service.js';

export const MAX_TOKEN_LENGTH = 50;
export const DEFAULT_CHANNEL_EXPIRY_MS = 3_600_000;
const EVENT = /^([A-Za-z][A-Za-z0-9_]*)\.(create|edit|delete|all)$/;

type Mode = 'enable' | 'replace' | 'patch';
type ItemResult = { readonly ok: true; readonly channel: WatchChannel; readonly removed?: string[] } | { readonly ok: false; readonly error: JsonObject };

const MESSAGES = {
  enable: 'Successfully subscribed for actions-watch of the given module',
  replace: 'Successfully updated the subscribe details',
  patch: 'Successfully updated the subscribe details',
  remove: 'Successfully removed the subscribe details',
  disable: 'Successfully un-subscribed from actions-watch',
} as const;

function err(code: string, message: string, details: JsonObject): ItemResult {
  return { ok: false, error: { code, details, message, status: 'error' } };
}

function invalid(apiName: string, jsonPath: string, extra: JsonObject = {}): ItemResult {
  return err('INVALID_DATA', 'invalid data', { api_name: apiName, json_path: jsonPath, ...extra });
}

function parseItem(ctx: SimContext, item: JsonValue, index: number, mode: Mode): ItemResult {
  const path = `$.watch[${index}]`;
  if (!isObject(item)) return invalid('watch', path, { expected_data_type: 'jsonobject' });
  const rawId = item.channel_id;
  if (rawId === undefined || rawId === null) return err('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'channel_id', json_path: `${path}.channel_id` });
  const channelId = String(rawId);
  if (!/^\d{1,19}$/.test(channelId)) return invalid('channel_id', `${path}.channel_id`, { expected_data_type: 'long' });
  const existing = ctx.watch.get(channelId);
  if (mode === 'patch' && !existing) return err('NOT_SUBSCRIBED', 'the channel is not subscribed', { api_name: 'channel_id', json_path: `${path}.channel_id` });
  const base = mode === 'patch' && existing ? existing : undefined;

  const events = item.events ?? (base ? undefined : null);
  if (events === null) return err('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'events', json_path: `${path}.events` });
  if (events !== undefined) {
    if (!Array.isArray(events) || events.length === 0) return invalid('events', `${path}.events`, { expected_data_type: 'jsonarray' });
    for (const [eventIndex, event] of events.entries()) {
      const match = typeof event === 'string' ? EVENT.exec(event) : null;
      if (!match || !ctx.records.isAvailable(match[1], ctx.settings.edition)) return invalid('events', `${path}.events[${eventIndex}]`);
    }
  }
  // v8's docs make notify_url mandatory for PATCH too (v3 had it optional), so it is never inherited.
  const notifyUrl = item.notify_url;
  if (notifyUrl === undefined || notifyUrl === null) return err('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'notify_url', json_path: `${path}.notify_url` });
  if (typeof notifyUrl !== 'string' || !URL.canParse(notifyUrl) || !/^https?:/.test(notifyUrl)) return invalid('notify_url', `${path}.notify_url`);
  const token = item.token === undefined ? (base?.token ?? null) : item.token;
  if (token !== null && (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)) return invalid('token', `${path}.token`, { maximum_length: String(MAX_TOKEN_LENGTH) });

  const now = ctx.clock.now();
  let expiresAt = base?.expiresAt ?? now + Math.min(DEFAULT_CHANNEL_EXPIRY_MS, ctx.settings.maxChannelExpiryMs);
  if (item.channel_expiry !== undefined && item.channel_expiry !== null) {
    const requested = typeof item.channel_expiry === 'string' ? parseZohoDateTime(item.channel_expiry) : Number.NaN;
    if (Number.isNaN(requested)) return invalid('channel_expiry', `${path}.channel_expiry`, { expected_data_type: 'datetime' });
    if (requested <= now || requested > now + ctx.settings.maxChannelExpiryMs) {
      return invalid('channel_expiry', `${path}.channel_expiry`, { reason: 'channel_expiry must be in the future and within the maximum expiry' });
    }
    expiresAt = requested;
  }
  const flag = (value: JsonValue | undefined, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);
  let channelEvents = (events as string[] | undefined) ?? base?.events ?? [];
  let removed: string[] | undefined;
  if (mode === 'patch' && item._delete_events === true) {
    removed = (events as string[] | undefined) ?? [];
    channelEvents = (base?.events ?? []).filter((event) => !removed?.includes(event));
  } else if (mode === 'patch' && events !== undefined) {
    channelEvents = [...new Set([...(base?.events ?? []), ...(events as string[])])];
  }
  const channel: WatchChannel = {
    channelId,
    events: channelEvents,
    expiresAt,
    token: token as string | null,
    notifyUrl,
    returnAffectedFieldValues: flag(item.return_affected_field_values, base?.returnAffectedFieldValues ?? false),
    notifyOnRelatedAction: flag(item.notify_on_related_action, base?.notifyOnRelatedAction ?? false),
  };
  return { ok: true, channel, removed };
}

function eventDetails(ctx: SimContext, channel: WatchChannel, events: readonly string[]): JsonValue[] {
  const modules = [...new Set(events.map(eventModule))];
  return modules.map((module) => ({
    channel_expiry: zohoDateTime(channel.expiresAt),
    resource_uri: ctx.watch.resourceUri(module),
    resource_id: ctx.watch.resourceId(module),
    resource_name: module,
    channel_id: channel.channelId,
    // Field-level conditions are not simulated; the OAS requires the key.
    notification_condition: [],
  }));
}

/** POST (enable), PUT (replace) and PATCH (update, renew, `_delete_events`) on /crm/v8/actions/watch. */
export function writeWatch(ctx: SimContext, request: RouteRequest, mode: Mode): ApiOperation {
  const body = parseJsonBody(request.body);
  if (!isObject(body) || !Array.isArray(body.watch) || body.watch.length === 0) {
    throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'watch', json_path: '$.watch' });
  }
  const items = body.watch;
  return {
    credits: 1,
    complex: false,
    scope: { family: 'notifications', op: mode === 'enable' ? 'CREATE' : 'UPDATE' },
    run: (): ApiResult => {
      const results = items.map((item, index) => parseItem(ctx, item, index, mode));
      const watch = results.map((result): JsonObject => {
        if (!result.ok) return result.error;
        if (result.channel.events.length === 0) ctx.watch.remove(result.channel.channelId);
        else ctx.watch.save(result.channel);
        const removed = result.removed !== undefined;
        return {
          code: 'SUCCESS',
          details: { events: eventDetails(ctx, result.channel, removed ? (result.removed ?? []) : result.channel.events) },
          message: removed ? MESSAGES.remove : MESSAGES[mode],
          status: 'success',
        };
      });
      const okCount = results.filter((result) => result.ok).length;
      // notifications.json answers item errors wrapped in {watch:[...]} with 202 (bare errors are 400).
      const status = okCount === 0 ? 202 : batchStatus(okCount, results.length, mode === 'enable' ? 201 : 200);
      return { status, body: { watch } };
    },
  };
}

/** GET /crm/v8/actions/watch: one entry per channel and module, like Zoho. */
export function listWatch(ctx: SimContext, request: RouteRequest): ApiOperation {
  const channelId = request.query.get('channel_id');
  const module = request.query.get('module');
  const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
  const perPage = Math.min(200, Math.max(1, Number(request.query.get('per_page') ?? 200) || 200));
  return {
    credits: 1,
    complex: false,
    scope: { family: 'notifications', op: 'READ' },
    run: (): ApiResult => {
      const entries: JsonObject[] = [];
      for (const channel of ctx.watch.live()) {
        if (channelId !== null && channel.channelId !== channelId) continue;
        for (const resource of [...new Set(channel.events.map(eventModule))]) {
          if (module !== null && resource !== module) continue;
          entries.push({
            notify_on_related_action: channel.notifyOnRelatedAction,
            channel_expiry: zohoDateTime(channel.expiresAt),
            resource_uri: ctx.watch.resourceUri(resource),
            resource_id: ctx.watch.resourceId(resource),
            notify_url: channel.notifyUrl,
            resource_name: resource,
            fields: null,
            channel_id: channel.channelId,
            events: channel.events.filter((event) => eventModule(event) === resource),
            token: channel.token,
            return_affected_field_values: channel.returnAffectedFieldValues,
          });
        }
      }
      const slice = entries.slice((page - 1) * perPage, page * perPage);
      if (slice.length === 0) return { status: 204 };
      return { status: 200, body: { watch: slice, info: { per_page: perPage, page, count: slice.length, more_records: page * perPage < entries.length } } };
    },
  };
}

/** DELETE /crm/v8/actions/watch?channel_ids=a,b */
export function deleteWatch(ctx: SimContext, request: RouteRequest): ApiOperation {
  const raw = request.query.get('channel_ids');
  if (raw === null || raw.trim() === '') throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'channel_ids', param: 'channel_ids' });
  const ids = raw.split(',').map((id) => id.trim()).filter(Boolean);
  return {
    credits: 1,
    complex: false,
    scope: { family: 'notifications', op: 'DELETE' },
    run: (): ApiResult => {
      const watch = ids.map((id): JsonObject => {
        const channel = ctx.watch.remove(id);
        const events = channel ? eventDetails(ctx, channel, channel.events) : [];
        return { code: 'SUCCESS', details: { events }, message: MESSAGES.disable, status: 'success' };
      });
      return { status: 200, body: { watch } };
    },
  };
}
