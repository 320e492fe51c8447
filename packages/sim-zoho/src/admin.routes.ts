import { parseFault } from './fault-injector.js';
import { isObject, parseJsonBody, sendJson, type JsonObject, type JsonValue } from './http-kit.js';
import type { FieldDef, FieldType } from './record-modules.js';
import { itemError, itemSuccess } from './records-write.routes.js';
import type { WriteOutcome } from './records.store.js';
import { parseDuration, zohoDateTime } from './sim-clock.js';
import type { SimContext } from './sim-context.js';
import { applySettingsPatch } from './sim-settings.js';
import type { IncomingMessage, ServerResponse } from 'node:http';

const FIELD_TYPES: readonly FieldType[] = ['text', 'textarea', 'email', 'phone', 'website', 'picklist', 'integer', 'double', 'currency', 'boolean', 'date', 'datetime', 'lookup'];

export interface AdminHooks {
  /** Clears records, tokens, channels, faults, logs, credits and the clock; keeps clients and settings. */
  reset(): void;
}

function bad(res: ServerResponse, message: string | string[]): void {
  sendJson(res, 400, { error: Array.isArray(message) ? message : [message] });
}

function body(text: string): JsonObject {
  const parsed: JsonValue = text ? parseJsonBody(text) : {};
  return isObject(parsed) ? parsed : {};
}

function state(ctx: SimContext): JsonObject {
  const usage = ctx.limits.usage();
  return {
    now: ctx.clock.now(),
    now_iso: zohoDateTime(ctx.clock.now()),
    settings: { ...ctx.settings },
    credits: { used: usage.used, limit: usage.limit },
    concurrency_limit: ctx.limits.concurrencyLimit(),
    calls_total: ctx.log.totalCalls,
    callbacks_total: ctx.log.totalCallbacks,
  };
}

/** Acts as a Zoho user in the CRM UI: no credits, no token, but the same validation and notifications. */
function userWrite(ctx: SimContext, res: ServerResponse, method: string, module: string, id: string | undefined, text: string): void {
  const table = ctx.records.table(module);
  if (!table) return bad(res, `unknown module ${module}`);
  if (method === 'DELETE' && id) {
    const removed = ctx.records.deleteOne(table, id);
    if (removed) ctx.records.emit({ module, operation: 'delete', ids: [id], affectedFields: {} });
    return sendJson(res, removed ? 200 : 404, { deleted: removed ? id : null });
  }
  const input = body(text);
  const items = id ? [input] : Array.isArray(input.data) ? input.data : [input];
  const outcomes = items.map((item, index): WriteOutcome => {
    if (!isObject(item)) return { ok: false, error: { code: 'INVALID_DATA', message: 'invalid data', details: { json_path: `$.data[${index}]` } } };
    return id ? ctx.records.updateOne(table, id, item, index) : ctx.records.insertOne(table, item, index);
  });
  ctx.records.emitOutcomes(module, outcomes);
  const data = outcomes.map((outcome) => (outcome.ok ? { ...itemSuccess(outcome, 'insert'), record: outcome.record.values } : itemError(outcome.error)));
  sendJson(res, outcomes.every((outcome) => outcome.ok) ? 200 : 400, { data });
}

function addCustomField(ctx: SimContext, res: ServerResponse, input: JsonObject): void {
  const { module, api_name: apiName, data_type: dataType } = input;
  if (typeof module !== 'string' || !ctx.records.table(module)) return bad(res, 'module must name a known module');
  if (typeof apiName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(apiName)) return bad(res, 'api_name must be a field API name');
  const type = (dataType ?? 'text') as FieldType;
  if (!FIELD_TYPES.includes(type)) return bad(res, `data_type must be one of ${FIELD_TYPES.join(', ')}`);
  if (type === 'lookup' && (typeof input.lookup_module !== 'string' || !ctx.records.table(input.lookup_module))) return bad(res, 'lookup fields need lookup_module');
  const field: FieldDef = {
    apiName,
    type,
    unique: input.unique === true,
    required: input.required === true,
    lookupModule: typeof input.lookup_module === 'string' ? input.lookup_module : undefined,
  };
  ctx.records.addCustomField(module, field);
  sendJson(res, 201, { module, api_name: apiName, data_type: type, unique: field.unique ?? false, required: field.required ?? false });
}

function addCustomModule(ctx: SimContext, res: ServerResponse, input: JsonObject): void {
  const { api_name: apiName, fields } = input;
  if (typeof apiName !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(apiName)) return bad(res, 'api_name must be a module API name');
  if (ctx.records.table(apiName)) return bad(res, `module ${apiName} already exists`);
  const defs: FieldDef[] = [];
  for (const entry of Array.isArray(fields) ? fields : []) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return bad(res, 'fields must be objects');
    const name = entry['api_name'];
    const type = (entry['data_type'] ?? 'text') as FieldType;
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) return bad(res, 'each field needs an api_name');
    if (!FIELD_TYPES.includes(type) || type === 'lookup' || type === 'line_items') return bad(res, `field ${name}: data_type must be a plain type`);
    defs.push({ apiName: name, type, unique: entry['unique'] === true, required: entry['required'] === true });
  }
  ctx.records.addCustomModule(apiName, defs);
  sendJson(res, 201, { api_name: apiName, fields: ['Name', ...defs.map((f) => f.apiName)] });
}

export async function handleAdmin(ctx: SimContext, hooks: AdminHooks, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, text: string): Promise<void> {
  const method = req.method ?? 'GET';
  const parts = path.split('/').filter(Boolean);
  const route = `${method} ${parts[0] ?? ''}`;
  switch (route) {
    case 'GET state':
      return sendJson(res, 200, state(ctx));
    case 'POST settings': {
      const errors = applySettingsPatch(ctx.settings, body(text));
      ctx.records.acceptUnknownFields = ctx.settings.acceptUnknownFields;
      return errors.length > 0 ? bad(res, errors) : sendJson(res, 200, state(ctx));
    }
    case 'POST clients': {
      const input = body(text);
      if (typeof input.client_id !== 'string' || typeof input.client_secret !== 'string') return bad(res, 'client_id and client_secret are required');
      const redirectUris = Array.isArray(input.redirect_uris) ? input.redirect_uris.filter((uri): uri is string => typeof uri === 'string') : [];
      ctx.oauth.registerClient({ clientId: input.client_id, clientSecret: input.client_secret, redirectUris });
      return sendJson(res, 201, { client_id: input.client_id, redirect_uris: redirectUris });
    }
    case 'GET clock':
      return sendJson(res, 200, { now: ctx.clock.now(), now_iso: zohoDateTime(ctx.clock.now()) });
    case 'POST clock': {
      const input = body(text);
      const ms = typeof input.ms === 'number' ? input.ms : typeof input.duration === 'string' ? parseDuration(input.duration) : Number.NaN;
      if (parts[1] !== 'advance' || !Number.isFinite(ms) || ms < 0) return bad(res, 'POST /__admin/clock/advance with {"ms":N} or {"duration":"1h"}');
      ctx.clock.advance(ms);
      return sendJson(res, 200, { now: ctx.clock.now(), now_iso: zohoDateTime(ctx.clock.now()) });
    }
    case 'POST custom-fields':
      return addCustomField(ctx, res, body(text));
    case 'POST custom-modules':
      return addCustomModule(ctx, res, body(text));
    case 'GET calls':
      return sendJson(res, 200, { total: ctx.log.totalCalls, calls: ctx.log.calls as unknown as JsonValue[] });
    case 'GET token-calls':
      return sendJson(res, 200, { calls: ctx.log.tokenCalls as unknown as JsonValue[] });
    case 'GET callbacks':
      if (query.get('wait') !== null) await ctx.watch.idle();
      return sendJson(res, 200, { total: ctx.log.totalCallbacks, callbacks: ctx.log.callbacks as unknown as JsonValue[] });
    case 'POST faults': {
      const parsed = parseFault(body(text));
      if (typeof parsed === 'string') return bad(res, parsed);
      ctx.faults.add(parsed.fault, parsed.count);
      return sendJson(res, 200, { pending: ctx.faults.pending() });
    }
    case 'POST reset':
      hooks.reset();
      return sendJson(res, 200, state(ctx));
    default:
      break;
  }
  if (parts[0] === 'records' && parts[1]) {
    const module = parts[1];
    if (method === 'GET') {
      const table = ctx.records.table(module);
      return table ? sendJson(res, 200, { data: [...table.records.values()].map((record) => record.values) }) : bad(res, `unknown module ${module}`);
    }
    if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) return userWrite(ctx, res, method, module, parts[2], text);
  }
  sendJson(res, 404, { error: [`no admin route ${method} /__admin/${parts.join('/')}`] });
}
