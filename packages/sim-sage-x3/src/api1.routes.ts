import { parseKeyCondition, parseOrderBy, parseWhere, WhereError, type Row } from './api1-where.js';
import { HttpReply, x3Error, type JsonObject, type JsonValue } from './http-kit.js';
import { x3DateTime } from './sim-clock.js';
import type { StockLine } from './x3-stock.js';
import { compareKeys, type Customer, type SalesOrder, type X3Store } from './x3-store.js';

/** One api1 class: its key column and how a record looks in the $query and $details facets. */
interface ClassDef<T> {
  key: string;
  /** Keys compared as numbers in `key=gt.N` (STOCK's line number). */
  numericKey?: true;
  records: (store: X3Store) => T[];
  one: (store: X3Store, key: string) => T | undefined;
  query: (record: T) => JsonObject;
  details: (record: T) => JsonObject;
}

type Api1Record = Customer | SalesOrder | StockLine;

function common(record: Api1Record): JsonObject {
  return { $uuid: record.uuid, $etag: record.etag, $creDate: x3DateTime(record.CREDATTIM), $updDate: x3DateTime(record.UPDDATTIM), CREDATTIM: x3DateTime(record.CREDATTIM), UPDDATTIM: x3DateTime(record.UPDDATTIM) };
}

const BPCUSTOMER: ClassDef<Customer> = {
  key: 'BPCNUM',
  records: (store) => store.allCustomers(),
  one: (store, key) => store.customer(key),
  query: (c) => ({ ...common(c), BPCNUM: c.BPCNUM, BPCNAM: c.BPCNAM, BPCSHO: c.BPCSHO, CRY: c.CRY, CUR: c.CUR, OSTAUZ: c.OSTAUZ, BPCSTA: c.BPCSTA }),
  details: (c) => ({ ...BPCUSTOMER.query(c), CREUSR: c.CREUSR, UPDUSR: c.UPDUSR }),
};

const SORDER: ClassDef<SalesOrder> = {
  key: 'SOHNUM',
  records: (store) => store.allOrders(),
  one: (store, key) => store.order(key),
  query: (o) => ({ ...common(o), SOHNUM: o.SOHNUM, SOHTYP: o.SOHTYP, SALFCY: o.SALFCY, BPCORD: o.BPCORD, ORDDAT: o.ORDDAT, CUSORDREF: o.CUSORDREF, CUR: o.CUR, ORDSTA: o.ORDSTA }),
  details: (o) => ({ ...SORDER.query(o), CREUSR: o.CREUSR, UPDUSR: o.UPDUSR, SOH4_1: o.lines.map((line) => ({ ...line })) }),
};

/** Stock lines (read-only: X3 changes stock through stock transactions, never through api1). */
const STOCK: ClassDef<StockLine> = {
  key: 'STOCOU',
  numericKey: true,
  records: (store) => store.stock.all(),
  one: (store, key) => (/^\d+$/.test(key) ? store.stock.byNumber(Number(key)) : undefined),
  query: (l) => ({ ...common(l), STOCOU: l.STOCOU, STOFCY: l.STOFCY, ITMREF: l.ITMREF, STU: l.STU, QTYSTU: l.QTYSTU, CUMALLQTY: l.CUMALLQTY }),
  details: (l) => ({ ...STOCK.query(l), CREUSR: l.CREUSR, UPDUSR: l.UPDUSR }),
};

const CLASSES: Record<string, ClassDef<Customer> | ClassDef<SalesOrder> | ClassDef<StockLine>> = { BPCUSTOMER, SORDER, STOCK };

export interface Api1Context {
  store: X3Store;
  folder: string;
  origin: string;
  maxItemsPerPage: number;
}

const DEFAULT_COUNT = 20;

/** `/api1/x3/erp/{FOLDER}/{CLASS}` and `/{CLASS}('KEY')`; answers the JSON body (or throws an HttpReply). */
export function handleApi1(ctx: Api1Context, method: string, path: string, query: URLSearchParams): JsonValue {
  const match = /^\/api1\/x3\/erp\/([^/]+)\/([A-Z0-9_]+)(?:\('((?:[^']|'')*)'\))?$/.exec(path);
  if (!match) throw x3Error(404, `no api1 resource at ${path}`);
  const [, folder, className, rawKey] = match;
  if (folder !== ctx.folder) throw x3Error(404, `endpoint ${folder} does not exist on this server`);
  const def = CLASSES[className] as ClassDef<Api1Record> | undefined;
  if (!def) throw x3Error(404, `class ${className} is not published on endpoint ${folder}`);
  if (method !== 'GET') throw x3Error(405, `${method} on classic X3 objects through api1 is not supported here; write through GraphQL`);
  const representation = query.get('representation') ?? '';
  const facet = rawKey === undefined ? '$query' : '$details';
  if (representation !== `${className}.${facet}`) throw x3Error(400, `representation must be ${className}.${facet}, got "${representation}"`);
  if (rawKey !== undefined) {
    const key = rawKey.replaceAll("''", "'");
    const record = def.one(ctx.store, key);
    if (!record) throw x3Error(404, `${className} ${key}: record does not exist`);
    return { $url: `${ctx.origin}${path}?representation=${representation}`, ...def.details(record) };
  }
  return queryPage(ctx, def, className, representation, query);
}

function queryPage(ctx: Api1Context, def: ClassDef<Api1Record>, className: string, representation: string, query: URLSearchParams): JsonObject {
  const count = Math.min(Number(query.get('count') ?? DEFAULT_COUNT) || DEFAULT_COUNT, ctx.maxItemsPerPage);
  let rows = def.records(ctx.store).map((record) => ({ record, row: def.query(record) as Row }));
  const columns = new Set(Object.keys(rows[0]?.row ?? def.query(sampleOf(className))));
  try {
    const where = query.get('where');
    if (where) {
      const predicate = parseWhere(where, columns);
      rows = rows.filter(({ row }) => predicate(row));
    }
    const key = query.get('key');
    if (key) {
      const condition = parseKeyCondition(key, def.numericKey);
      rows = rows.filter(({ row }) => condition(String(row[def.key])));
    }
    const orderBy = query.get('orderBy');
    const sort = orderBy ? parseOrderBy(orderBy, columns) : [];
    if (sort.length > 0) {
      rows.sort((a, b) => {
        for (const { property, descending } of sort) {
          const order = compareValues(a.row[property], b.row[property]);
          if (order !== 0) return descending ? -order : order;
        }
        return compareValues(a.row[def.key], b.row[def.key]);
      });
    }
    const page = rows.slice(0, count);
    const body: JsonObject = { $itemsPerPage: count, $resources: page.map(({ row }) => row as JsonObject) };
    // Keyset paging follows the key; with another sort order there is no $next (the caller pages by key itself).
    const byKey = sort.length === 0 || (sort[0].property === def.key && !sort[0].descending);
    if (rows.length > count && byKey) {
      const next = new URLSearchParams(query);
      next.set('key', `gt.${String(page[page.length - 1].row[def.key])}`);
      next.set('count', String(count));
      body['$links'] = { $next: { $url: `${ctx.origin}/api1/x3/erp/${ctx.folder}/${className}?${next}`, $type: 'application/json', $method: 'GET' } };
    }
    return body;
  } catch (error) {
    if (error instanceof WhereError) throw x3Error(500, error.message);
    if (error instanceof HttpReply) throw error;
    throw error;
  }
}

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return compareKeys(String(a), String(b));
}

/** A blank record, so an empty class still knows its columns. */
function sampleOf(className: string): Customer & SalesOrder & StockLine {
  return {
    STOCOU: 0, STOFCY: '', ITMREF: '', STU: '', QTYSTU: 0, CUMALLQTY: 0,
    BPCNUM: '', BPCNAM: '', BPCSHO: '', CRY: '', CUR: '', OSTAUZ: 0, BPCSTA: 2, SOHNUM: '', SOHTYP: '', SALFCY: '', BPCORD: '', ORDDAT: '', CUSORDREF: '', ORDSTA: 1,
    lines: [], CREUSR: '', UPDUSR: '', CREDATTIM: 0, UPDDATTIM: 0, uuid: className, etag: 0,
  };
}
