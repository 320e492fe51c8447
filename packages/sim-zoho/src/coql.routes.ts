import type { ApiOperation, ApiResult } from './api-result.js';
import { countCriteria, CoqlSyntaxError, parseCoql, type CoqlCondition, type CoqlQuery, type CoqlValue } from './coql.parser.js';
import { isObject, parseJsonBody, zohoError, type JsonObject, type JsonValue } from './http-kit.js';
import { indexKey, type ModuleTable, type StoredRecord } from './module-table.js';
import { SYSTEM_FIELDS } from './record-modules.js';
import { compare } from './search-criteria.js';
import type { RouteRequest, SimContext } from './sim-context.js';

const MAX_LIMIT = 2_000;
const MAX_OFFSET = 100_000;
const MAX_FIELDS = 50;
const MAX_CRITERIA = 25;

/** COQL costs by LIMIT: 1-200 one credit, 201-1000 two, 1001-2000 three. */
export function coqlCredits(limit: number): number {
  if (limit <= 200) return 1;
  return limit <= 1000 ? 2 : 3;
}

function fieldValue(values: JsonObject, field: string): JsonValue | undefined {
  const dot = field.indexOf('.');
  if (dot < 0) return values[field];
  const base = values[field.slice(0, dot)];
  return isObject(base) ? base[field.slice(dot + 1)] : undefined;
}

function equalsValue(actual: JsonValue | undefined, expected: CoqlValue): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === 'boolean') return actual === expected;
  if (typeof actual === 'number') return actual === Number(expected);
  return indexKey(actual) === String(expected).toLowerCase() || compare(actual, String(expected)) === 0;
}

function likeRegex(pattern: string): RegExp {
  const body = pattern.split('%').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'i');
}

function matches(values: JsonObject, condition: CoqlCondition): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.parts.every((part) => matches(values, part));
    case 'or':
      return condition.parts.some((part) => matches(values, part));
    case 'null': {
      const actual = fieldValue(values, condition.field);
      const isNull = actual === null || actual === undefined || actual === '';
      return condition.negated ? !isNull : isNull;
    }
    case 'in': {
      const found = condition.values.some((value) => equalsValue(fieldValue(values, condition.field), value));
      return condition.negated ? !found : found;
    }
    case 'like': {
      const actual = fieldValue(values, condition.field);
      const found = typeof actual === 'string' && likeRegex(condition.pattern).test(actual);
      return condition.negated ? !found : found;
    }
    case 'between': {
      const actual = fieldValue(values, condition.field);
      if (actual === null || actual === undefined) return false;
      return compare(actual, String(condition.low)) >= 0 && compare(actual, String(condition.high)) <= 0;
    }
    case 'cmp': {
      const actual = fieldValue(values, condition.field);
      if (condition.op === '=') return equalsValue(actual, condition.value);
      if (condition.op === '!=') return !equalsValue(actual, condition.value);
      if (actual === null || actual === undefined || condition.value === null) return false;
      const order = compare(actual, String(condition.value));
      return { '>': order > 0, '>=': order >= 0, '<': order < 0, '<=': order <= 0 }[condition.op];
    }
  }
}

function conditionFields(condition: CoqlCondition | null): string[] {
  if (!condition) return [];
  if ('parts' in condition) return condition.parts.flatMap(conditionFields);
  return [condition.field];
}

function checkColumn(table: ModuleTable, field: string, clause: string): void {
  const base = field.split('.')[0] ?? field;
  const def = table.fields.get(base);
  const known = field.includes('.') ? def?.type === 'lookup' || base === 'Owner' : def !== undefined || SYSTEM_FIELDS.has(field);
  if (!known) throw zohoError(400, 'INVALID_QUERY', 'column given seems to be invalid', { column_name: field, clause });
}

function parseQuery(ctx: SimContext, request: RouteRequest): { query: CoqlQuery; table: ModuleTable } {
  const body = parseJsonBody(request.body);
  if (!isObject(body) || typeof body.select_query !== 'string') {
    throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'select_query', param: 'select_query' });
  }
  let query: CoqlQuery;
  try {
    query = parseCoql(body.select_query);
  } catch (error) {
    if (!(error instanceof CoqlSyntaxError)) throw error;
    throw zohoError(400, 'SYNTAX_ERROR', 'invalid query formed', { line: 1, column: error.column, near: error.near });
  }
  const table = ctx.records.table(query.module);
  if (!table || !ctx.records.isAvailable(query.module, ctx.settings.edition)) {
    throw zohoError(400, 'INVALID_QUERY', 'invalid query formed', { reason: 'invalid module', module: query.module });
  }
  if (query.fields.length > MAX_FIELDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'Max field limit exceeded', { limit: MAX_FIELDS, clause: 'select' });
  if (countCriteria(query.where) > MAX_CRITERIA) throw zohoError(400, 'LIMIT_EXCEEDED', 'criteria limit exceeded', { limit: MAX_CRITERIA, clause: 'where' });
  if (query.limit < 1 || query.limit > MAX_LIMIT) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_LIMIT, clause: 'limit' });
  if (query.offset > MAX_OFFSET) throw zohoError(400, 'LIMIT_EXCEEDED', 'offset exceeded', { limit: MAX_OFFSET, clause: 'offset' });
  for (const field of query.fields) checkColumn(table, field, 'select');
  for (const field of conditionFields(query.where)) checkColumn(table, field, 'where');
  for (const order of query.orderBy) checkColumn(table, order.field, 'order by');
  return { query, table };
}

function project(record: StoredRecord, fields: readonly string[]): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) out[field] = fieldValue(record.values, field) ?? null;
  out.id = record.id;
  return out;
}

/** POST /crm/v8/coql */
export function coqlQuery(ctx: SimContext, request: RouteRequest): ApiOperation {
  const { query, table } = parseQuery(ctx, request);
  return {
    credits: coqlCredits(query.limit),
    complex: true,
    scope: { family: 'coql', module: table.def.apiName },
    run: (): ApiResult => {
      let rows = [...table.records.values()];
      const where = query.where;
      if (where) rows = rows.filter((record) => matches(record.values, where));
      if (query.orderBy.length > 0) {
        rows.sort((a, b) => {
          for (const { field, desc } of query.orderBy) {
            const left = fieldValue(a.values, field);
            const right = fieldValue(b.values, field);
            const order = left === undefined || left === null ? -1 : right === undefined || right === null ? 1 : compare(left, String(right));
            if (order !== 0) return desc ? -order : order;
          }
          return 0;
        });
      }
      const slice = rows.slice(query.offset, query.offset + query.limit);
      if (slice.length === 0) return { status: 204 };
      const info: JsonObject = { count: slice.length, more_records: query.offset + query.limit < rows.length };
      return { status: 200, body: { data: slice.map((record) => project(record, query.fields)), info } };
    },
  };
}
