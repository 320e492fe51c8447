import { AuthError } from './auth.service.js';
import { FAULT_KINDS, type FaultKind } from './faults.service.js';
import type { JsonObject, JsonValue } from './http-kit.js';
import { x3DateTime } from './sim-clock.js';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import type { SimX3Settings } from './sim-settings.js';
import type { StockChange, StockLine } from './x3-stock.js';
import { X3BusinessError, X3LockError, type Customer } from './x3-store.js';

type AdminResult = { status: number; body: JsonValue };

const ok = (body: JsonValue): AdminResult => ({ status: 200, body });
const bad = (message: string, status = 400): AdminResult => ({ status, body: { error: message } });

function customerJson(c: Customer): JsonObject {
  return { BPCNUM: c.BPCNUM, BPCNAM: c.BPCNAM, CRY: c.CRY, CUR: c.CUR, OSTAUZ: c.OSTAUZ, UPDUSR: c.UPDUSR, UPDDATTIM: x3DateTime(c.UPDDATTIM), etag: c.etag };
}

function stockJson(l: StockLine): JsonObject {
  return { STOCOU: l.STOCOU, ITMREF: l.ITMREF, STOFCY: l.STOFCY, QTYSTU: l.QTYSTU, CUMALLQTY: l.CUMALLQTY, UPDUSR: l.UPDUSR, UPDDATTIM: x3DateTime(l.UPDDATTIM), etag: l.etag };
}

/** QTYSTU and CUMALLQTY of a stock change: numbers of at least 0 when given; answers the bad field's name. */
function stockChange(body: JsonObject): StockChange | string {
  const change: StockChange = {};
  for (const field of ['QTYSTU', 'CUMALLQTY'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return field;
    change[field] = value;
  }
  return change;
}

const SETTING_KEYS = new Set<keyof SimX3Settings>([
  'accessTokenSeconds', 'refreshTokenSeconds', 'refreshRotation', 'clockToleranceSeconds', 'volumeLimitBytes', 'volumePeriodMs',
  'volumeGraceRatio', 'volumeGraceDelayMs', 'latencyMs', 'maxPageSize',
]);

/**
 * `/__admin/...`: the test's and operator's hand on the simulated server. Acting "as an X3 user"
 * (users/:login/...) changes records the way a person in the X3 client would: update timestamps and
 * UPDUSR move, locks are held by that user's session.
 */
export async function handleAdmin(sim: SimSageX3Server, method: string, path: string, _query: URLSearchParams, body: JsonObject): Promise<AdminResult> {
  const route = `${method} ${path}`;
  if (route === 'GET state') {
    return ok({
      folder: sim.folder, now: x3DateTime(sim.clock.now()), clockRate: sim.clock.rate, customers: sim.store.customerCount, salesOrders: sim.store.orderCount, stockLines: sim.store.stock.count,
      settings: sim.settings as unknown as JsonObject, faults: sim.faults.snapshot(), volume: sim.volume.snapshot(), locks: sim.store.activeLocks(),
    });
  }
  if (route === 'POST clock') {
    try {
      if (typeof body['advanceMs'] === 'number') sim.clock.advance(body['advanceMs']);
      if (typeof body['rate'] === 'number') sim.clock.setRate(body['rate']);
    } catch (error) {
      return bad((error as Error).message);
    }
    return ok({ now: x3DateTime(sim.clock.now()), nowMs: sim.clock.now(), rate: sim.clock.rate });
  }
  if (route === 'PATCH settings') {
    const unknown = Object.keys(body).filter((key) => !SETTING_KEYS.has(key as keyof SimX3Settings));
    if (unknown.length > 0) return bad(`unknown settings: ${unknown.join(', ')}`);
    Object.assign(sim.settings, body);
    return ok(sim.settings as unknown as JsonObject);
  }
  if (route === 'POST faults') {
    const kind = body['kind'];
    if (!FAULT_KINDS.includes(kind as FaultKind)) return bad(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    sim.faults.add(kind as FaultKind, typeof body['count'] === 'number' ? body['count'] : 1);
    return ok(sim.faults.snapshot());
  }
  if (route === 'DELETE faults') {
    sim.faults.clear();
    sim.volume.reset();
    return ok({});
  }
  if (route === 'GET tokens') return ok(sim.auth.counters as unknown as JsonObject);
  if (route === 'DELETE tokens') {
    sim.auth.revokeAll();
    return ok({});
  }
  if (route === 'GET calls') return ok({ calls: sim.calls.list() as unknown as JsonValue });
  if (route === 'DELETE calls') {
    sim.calls.clear();
    return ok({});
  }
  return asUser(sim, method, path, body);
}

async function asUser(sim: SimSageX3Server, method: string, path: string, body: JsonObject): Promise<AdminResult> {
  const match = /^users\/([^/]+)\/(customers|customers\/[^/]+|sales-orders\/[^/]+\/close|stock\/[^/]+\/[^/]+|locks|authorize|pair)$/.exec(path);
  if (!match) return bad(`no admin route ${method} /__admin/${path}`, 404);
  const [, user, what] = match;
  try {
    if (method === 'POST' && what === 'customers') return ok(customerJson(sim.store.createCustomer(body as Parameters<typeof sim.store.createCustomer>[0], user)));
    if (method === 'PATCH' && what.startsWith('customers/')) return ok(customerJson(sim.store.updateCustomer(decodeURIComponent(what.slice('customers/'.length)), body as Parameters<typeof sim.store.updateCustomer>[1], user)));
    if (method === 'POST' && what.startsWith('sales-orders/')) {
      const order = sim.store.closeOrder(decodeURIComponent(what.split('/')[1]), user);
      return ok({ SOHNUM: order.SOHNUM, ORDSTA: order.ORDSTA, UPDDATTIM: x3DateTime(order.UPDDATTIM) });
    }
    if (method === 'PUT' && what.startsWith('stock/')) {
      const [, product, site] = what.split('/').map(decodeURIComponent);
      const change = stockChange(body);
      if (typeof change === 'string') return bad(`${change} must be a number of at least 0`);
      return ok(stockJson(sim.store.stock.set(product, site, change, user)));
    }
    if (method === 'POST' && what === 'locks') {
      const ttlMs = typeof body['ttlMs'] === 'number' ? body['ttlMs'] : 600_000;
      sim.store.lock(String(body['entity'] ?? 'BPCUSTOMER'), String(body['key'] ?? ''), user, sim.clock.now() + ttlMs);
      return ok({ locks: sim.store.activeLocks() });
    }
    if (method === 'DELETE' && what === 'locks') return ok({ released: sim.store.unlock(user) });
    if (method === 'POST' && what === 'authorize') return ok({ code: sim.auth.authorize(String(body['client_id'] ?? ''), user) });
    if (method === 'POST' && what === 'pair') return ok((await sim.auth.pair(String(body['client_id'] ?? ''), user)) as JsonObject);
  } catch (error) {
    if (error instanceof X3BusinessError || error instanceof X3LockError || error instanceof AuthError) return bad(error.message, 422);
    throw error;
  }
  return bad(`no admin route ${method} /__admin/${path}`, 404);
}
