import type { X3CustomersConfig } from '../x3-flow-config.js';
import type { X3Site } from '../x3-site.js';
import { collect, inFilter, orderPages, stockPages, x3Quote, type X3StockNode } from './x3-graphql.js';

// The read-only inventory availability an Account shows (see `inventory` in x3-flow-config.ts).

type Config = Pick<X3CustomersConfig, 'inventory' | 'updatedField'>;

/** A Zoho single-line text field holds 255 characters. */
const ZOHO_TEXT_MAX = 255;
/** Codes per `$in` filter, so a filter stays a reasonable size. */
const IN_CHUNK = 200;
const OPEN = 'open';

/** Available quantity per product, per site: on hand minus allocated, never below 0. */
export type Availability = Map<string, Map<string, number>>;

/** The summary text per customer code (null: nothing to show), for the given customers. */
export async function inventoryFor(x3: X3Site, config: Config, codes: readonly string[]): Promise<Map<string, string | null>> {
  const productsOf = await productsByCustomer(x3, config, codes);
  const products = [...new Set([...productsOf.values()].flatMap((set) => [...set]))];
  const available = await availability(x3, config, products);
  return new Map(codes.map((code) => [code, summarize([...(productsOf.get(code) ?? [])], available)]));
}

/**
 * The customers whose summary may have changed since the watermarks: those with a sales order
 * created or changed since `ordersSince`, and those whose products' stock moved since `stockSince`
 * ("all" with a fixed product list that a stock change touches: every Account shows it).
 */
export async function customersAffected(x3: X3Site, config: Config, since: { stock: string; orders: string }): Promise<Set<string> | 'all'> {
  const field = config.updatedField;
  // $gte: a line changed in the watermark's own instant is read again rather than missed (a re-read only recomputes).
  const moved = await collect(stockPages(x3, field, `{${field}:{$gte:${x3Quote(since.stock)}}}`, null));
  const products = new Set(moved.filter((line) => inScope(config, line)).map((line) => line.product));
  const fixed = config.inventory.products;
  if (fixed.length > 0) return fixed.some((product) => products.has(product)) ? 'all' : new Set();
  const affected = new Set<string>();
  for (const order of await collect(orderPages(x3, field, `{${field}:{$gte:${x3Quote(since.orders)}}}`, null))) affected.add(order.soldToCustomer);
  if (products.size === 0) return affected;
  for await (const page of orderPages(x3, field, `{orderStatus:'${OPEN}'}`, null)) {
    for (const order of page) if (order.lines.some((line) => products.has(line.product))) affected.add(order.soldToCustomer);
  }
  return affected;
}

/** "BMS001: 120 available (FR011 100, FR012 20); CON001: none available", cut to fit Zoho's text field. */
export function summarize(products: readonly string[], available: Availability): string | null {
  const parts = [...products].sort().map((product) => {
    const sites = [...(available.get(product) ?? new Map<string, number>())].filter(([, quantity]) => quantity > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const total = sites.reduce((sum, [, quantity]) => sum + quantity, 0);
    return total === 0 ? `${product}: none available` : `${product}: ${formatQuantity(total)} available (${sites.map(([site, quantity]) => `${site} ${formatQuantity(quantity)}`).join(', ')})`;
  });
  if (parts.length === 0) return null;
  for (let shown = parts.length; shown > 0; shown -= 1) {
    const text = parts.slice(0, shown).join('; ') + (shown < parts.length ? `; +${parts.length - shown} more` : '');
    if (text.length <= ZOHO_TEXT_MAX) return text;
  }
  return `${parts[0].slice(0, ZOHO_TEXT_MAX - 1)}…`;
}

async function productsByCustomer(x3: X3Site, config: Config, codes: readonly string[]): Promise<Map<string, Set<string>>> {
  const fixed = config.inventory.products;
  if (fixed.length > 0) return new Map(codes.map((code) => [code, new Set(fixed)]));
  const productsOf = new Map<string, Set<string>>();
  for (let at = 0; at < codes.length; at += IN_CHUNK) {
    const customers = inFilter('soldToCustomer', codes.slice(at, at + IN_CHUNK)).slice(1, -1);
    for await (const page of orderPages(x3, config.updatedField, `{${customers},orderStatus:'${OPEN}'}`, null)) {
      for (const order of page) {
        const set = productsOf.get(order.soldToCustomer) ?? new Set<string>();
        for (const line of order.lines) set.add(line.product);
        productsOf.set(order.soldToCustomer, set);
      }
    }
  }
  return productsOf;
}

async function availability(x3: X3Site, config: Config, products: readonly string[]): Promise<Availability> {
  const available: Availability = new Map();
  for (let at = 0; at < products.length; at += IN_CHUNK) {
    for await (const page of stockPages(x3, config.updatedField, inFilter('product', products.slice(at, at + IN_CHUNK)), null)) {
      for (const line of page) {
        if (!inScope(config, line)) continue;
        const sites = available.get(line.product) ?? new Map<string, number>();
        sites.set(line.stockSite, (sites.get(line.stockSite) ?? 0) + Math.max(0, line.quantityInStockUnit - line.allocatedQuantity));
        available.set(line.product, sites);
      }
    }
  }
  return available;
}

function inScope(config: Config, line: Pick<X3StockNode, 'stockSite'>): boolean {
  return config.inventory.sites.length === 0 || config.inventory.sites.includes(line.stockSite);
}

function formatQuantity(quantity: number): string {
  return Number.isInteger(quantity) ? String(quantity) : quantity.toFixed(2);
}
