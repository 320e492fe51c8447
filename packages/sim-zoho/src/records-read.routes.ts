import type { ApiOperation, ApiResult } from './api-result.js';
import { zohoError, type JsonObject } from './http-kit.js';
import type { ModuleTable, StoredRecord } from './module-table.js';
import { parseFieldsParam, parseIntParam, projectRecord } from './records-common.js';
import { CriteriaError, matchesCriteria, parseCriteria, type Criteria } from './search-criteria.js';
import { parseZohoDateTime, zohoDateTime } from './sim-clock.js';
import { SIM_USER } from './records.store.js';
import type { RouteRequest, SimContext } from './sim-context.js';

/** `page` reaches only the first 2,000 records; beyond that a client must follow page_token. */
export const DISCRETE_PAGE_LIMIT = 2_000;
export const PAGE_TOKEN_LIMIT = 100_000;
const MAX_FIELDS = 50;
const SORT_FIELDS = ['id', 'Created_Time', 'Modified_Time'];

export function sortRecords(table: ModuleTable, sortBy: string, sortOrder: 'asc' | 'desc', modifiedSince: number | null): StoredRecord[] {
  let records = [...table.records.values()];
  if (modifiedSince !== null) records = records.filter((record) => record.modifiedMs > modifiedSince);
  if (sortBy === 'Created_Time') records.sort((a, b) => a.createdMs - b.createdMs);
  if (sortBy === 'Modified_Time') records.sort((a, b) => a.modifiedMs - b.modifiedMs);
  if (sortOrder === 'desc') records.reverse();
  return records;
}

function modifiedSinceHeader(request: RouteRequest): number | null {
  const header = request.req.headers['if-modified-since'];
  if (typeof header !== 'string') return null;
  const zoho = parseZohoDateTime(header);
  const ms = Number.isNaN(zoho) ? Date.parse(header) : zoho;
  if (Number.isNaN(ms)) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'If-Modified-Since', expected_data_type: 'datetime' });
  return ms;
}

function requireFields(query: URLSearchParams): string[] {
  const fields = parseFieldsParam(query.get('fields'));
  if (!fields) throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'fields' });
  if (fields.length > MAX_FIELDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'Max field limit exceeded', { limit: MAX_FIELDS, param_name: 'fields' });
  return fields;
}

interface ListPlan {
  readonly offset: number;
  readonly sortBy: string;
  readonly sortOrder: 'asc' | 'desc';
  readonly modifiedSince: number | null;
}

function planList(ctx: SimContext, table: ModuleTable, request: RouteRequest, perPage: number): ListPlan {
  const { query } = request;
  const pageToken = query.get('page_token');
  if (pageToken !== null) {
    if (query.get('page') !== null) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page', reason: 'page and page_token cannot be used together' });
    const cursor = ctx.pageTokens.resolve(pageToken);
    if (!cursor || cursor.module !== table.def.apiName) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'page_token', reason: 'invalid or expired page_token' });
    if (cursor.offset >= PAGE_TOKEN_LIMIT) throw zohoError(400, 'LIMIT_EXCEEDED', 'Record count exceeded', { limit: PAGE_TOKEN_LIMIT });
    return cursor;
  }
  const page = parseIntParam(query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  if (page * perPage > DISCRETE_PAGE_LIMIT) {
    throw zohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'cannot fetch more than 2000 records using page param. Use page_token instead', { limit: DISCRETE_PAGE_LIMIT });
  }
  const sortBy = query.get('sort_by') ?? 'id';
  if (!SORT_FIELDS.includes(sortBy)) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'sort_by', supported_values: SORT_FIELDS });
  const order = query.get('sort_order') ?? 'desc';
  if (order !== 'asc' && order !== 'desc') throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'sort_order', supported_values: ['asc', 'desc'] });
  return { offset: (page - 1) * perPage, sortBy, sortOrder: order, modifiedSince: modifiedSinceHeader(request) };
}

/** GET /crm/v8/{module} */
export function listRecords(ctx: SimContext, table: ModuleTable, request: RouteRequest): ApiOperation {
  const fields = requireFields(request.query);
  const perPage = parseIntParam(request.query, 'per_page', 200, 1, 200);
  const plan = planList(ctx, table, request, perPage);
  return {
    credits: 1,
    complex: false,
    scope: { family: 'modules', module: table.def.apiName, op: 'READ' },
    run: (): ApiResult => {
      const sorted = sortRecords(table, plan.sortBy, plan.sortOrder, plan.modifiedSince);
      const slice = sorted.slice(plan.offset, plan.offset + perPage);
      if (slice.length === 0) return { status: plan.modifiedSince !== null && plan.offset === 0 ? 304 : 204 };
      const more = plan.offset + perPage < sorted.length;
      const cursor = { module: table.def.apiName, sortBy: plan.sortBy, sortOrder: plan.sortOrder, modifiedSince: plan.modifiedSince };
      const next = more ? ctx.pageTokens.issue({ ...cursor, offset: plan.offset + perPage }) : undefined;
      const previous = plan.offset > 0 ? ctx.pageTokens.issue({ ...cursor, offset: Math.max(0, plan.offset - perPage) }) : undefined;
      const info: JsonObject = {
        per_page: perPage,
        next_page_token: next?.token ?? null,
        count: slice.length,
        sort_by: plan.sortBy,
        page: Math.floor(plan.offset / perPage) + 1,
        previous_page_token: previous?.token ?? null,
        page_token_expiry: next ? zohoDateTime(next.expiresAt) : null,
        sort_order: plan.sortOrder,
        more_records: more,
      };
      return { status: 200, body: { data: slice.map((record) => projectRecord(record, fields)), info } };
    },
  };
}

/** GET /crm/v8/{module}/{id} */
export function getRecord(table: ModuleTable, id: string, request: RouteRequest): ApiOperation {
  const fields = parseFieldsParam(request.query.get('fields'));
  return {
    credits: 1,
    complex: false,
    scope: { family: 'modules', module: table.def.apiName, op: 'READ' },
    run: (): ApiResult => {
      const record = table.records.get(id);
      return record ? { status: 200, body: { data: [projectRecord(record, fields)] } } : { status: 204 };
    },
  };
}

function searchCriteria(table: ModuleTable, query: URLSearchParams): Criteria {
  const criteria = query.get('criteria');
  if (criteria !== null) {
    try {
      return parseCriteria(criteria);
    } catch (error) {
      const reason = error instanceof CriteriaError ? error.message : 'invalid criteria';
      throw zohoError(400, 'INVALID_QUERY', 'invalid query formed', { reason });
    }
  }
  const byType = (param: string, types: readonly string[]): Criteria | undefined => {
    const value = query.get(param);
    if (value === null) return undefined;
    const parts: Criteria[] = table.def.fields
      .filter((field) => types.includes(field.type))
      .map((field) => ({ kind: 'cond', field: field.apiName, op: param === 'word' ? 'starts_with' : 'equals', value }));
    return { kind: 'group', join: 'or', parts };
  };
  const found = byType('email', ['email']) ?? byType('phone', ['phone']) ?? byType('word', ['text', 'email', 'textarea']);
  if (!found) throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'criteria' });
  return found;
}

/** GET /crm/v8/{module}/search */
export function searchRecords(table: ModuleTable, request: RouteRequest): ApiOperation {
  const criteria = searchCriteria(table, request.query);
  const fields = parseFieldsParam(request.query.get('fields'));
  const perPage = parseIntParam(request.query, 'per_page', 200, 1, 200);
  const page = parseIntParam(request.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  if (page * perPage > DISCRETE_PAGE_LIMIT) throw zohoError(400, 'LIMIT_REACHED', 'Record count exceeded', { limit: DISCRETE_PAGE_LIMIT });
  return {
    credits: 1,
    complex: true,
    scope: { family: 'modules', module: table.def.apiName, op: 'READ' },
    run: (): ApiResult => {
      const matches: StoredRecord[] = [];
      for (const record of table.records.values()) if (matchesCriteria(record.values, criteria)) matches.push(record);
      const offset = (page - 1) * perPage;
      const slice = matches.slice(offset, offset + perPage);
      if (slice.length === 0) return { status: 204 };
      const info: JsonObject = { per_page: perPage, count: slice.length, page, more_records: offset + perPage < matches.length };
      return { status: 200, body: { data: slice.map((record) => projectRecord(record, fields)), info } };
    },
  };
}

/** GET /crm/v8/{module}/deleted: records deleted through the API or by a user (all go to the recycle bin). */
export function deletedRecords(table: ModuleTable, request: RouteRequest): ApiOperation {
  const type = request.query.get('type') ?? 'all';
  if (!['all', 'recycle', 'permanent'].includes(type)) throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: 'type', supported_values: ['all', 'recycle', 'permanent'] });
  const perPage = parseIntParam(request.query, 'per_page', 200, 1, 200);
  const page = parseIntParam(request.query, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const since = modifiedSinceHeader(request);
  return {
    credits: 1,
    complex: false,
    scope: { family: 'modules', module: table.def.apiName, op: 'READ' },
    run: (): ApiResult => {
      const matching = type === 'permanent' ? [] : table.deleted.filter((entry) => since === null || entry.deletedMs > since).reverse();
      const offset = (page - 1) * perPage;
      const slice = matching.slice(offset, offset + perPage);
      if (slice.length === 0) return { status: since !== null && offset === 0 ? 304 : 204 };
      const data = slice.map((entry) => ({
        deleted_by: { ...SIM_USER },
        id: entry.id,
        display_name: entry.displayName,
        type: 'recycle',
        created_by: { ...SIM_USER },
        deleted_time: zohoDateTime(entry.deletedMs),
      }));
      return { status: 200, body: { data, info: { per_page: perPage, count: slice.length, page, more_records: offset + perPage < matching.length } } };
    },
  };
}
