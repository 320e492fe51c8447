import { batchStatus, writeCredits, type ApiOperation, type ApiResult } from './api-result.js';
import { isObject, parseJsonBody, zohoError, type JsonObject, type JsonValue } from './http-kit.js';
import type { ModuleTable } from './module-table.js';
import { mandatoryMissing, type ItemError } from './record-validation.js';
import type { WriteOutcome } from './records.store.js';
import type { RouteRequest, SimContext } from './sim-context.js';

export const MAX_WRITE_RECORDS = 100;
/** Writes of more than this many records count as "complex" for sub-concurrency. */
const COMPLEX_WRITE_THRESHOLD = 10;

interface WriteBody {
  readonly data: JsonValue[];
  readonly duplicateCheckFields: string[] | undefined;
}

function parseWriteBody(request: RouteRequest): WriteBody {
  const body = parseJsonBody(request.body);
  if (!isObject(body) || body.data === undefined) throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
  if (!Array.isArray(body.data)) throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'data', json_path: '$.data', expected_data_type: 'jsonarray' });
  if (body.data.length === 0) throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
  if (body.data.length > MAX_WRITE_RECORDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'Record count exceeded', { limit: MAX_WRITE_RECORDS, api_name: 'data', json_path: '$.data' });
  const dup = body.duplicate_check_fields;
  if (dup !== undefined && (!Array.isArray(dup) || !dup.every((field) => typeof field === 'string'))) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields', json_path: '$.duplicate_check_fields', expected_data_type: 'jsonarray' });
  }
  return { data: body.data, duplicateCheckFields: dup as string[] | undefined };
}

export function itemError(error: ItemError): JsonObject {
  return { code: error.code, details: error.details, message: error.message, status: 'error' };
}

export function itemSuccess(outcome: Extract<WriteOutcome, { ok: true }>, kind: 'insert' | 'update' | 'upsert'): JsonObject {
  const values = outcome.record.values;
  const item: JsonObject = {
    code: 'SUCCESS',
    details: {
      Modified_Time: values.Modified_Time,
      Modified_By: values.Modified_By,
      Created_Time: values.Created_Time,
      id: outcome.record.id,
      Created_By: values.Created_By,
    },
    message: outcome.action === 'insert' ? 'record added' : 'record updated',
    status: 'success',
  };
  if (kind === 'upsert') {
    // Zoho sends duplicate_field: null for inserts (the OAS types it as a plain string).
    item.action = outcome.action;
    item.duplicate_field = outcome.duplicateField;
  }
  return item;
}

function writeOperation(ctx: SimContext, table: ModuleTable, body: WriteBody, op: 'CREATE' | 'UPDATE' | 'WRITE', kind: 'insert' | 'update' | 'upsert', apply: (item: JsonObject, index: number) => WriteOutcome): ApiOperation {
  return {
    credits: writeCredits(body.data.length),
    complex: body.data.length > COMPLEX_WRITE_THRESHOLD,
    scope: { family: 'modules', module: table.def.apiName, op },
    run: (): ApiResult => {
      const outcomes = body.data.map((item, index): WriteOutcome => {
        if (!isObject(item)) return { ok: false, error: { code: 'INVALID_DATA', message: 'invalid data', details: { api_name: 'data', json_path: `$.data[${index}]`, expected_data_type: 'jsonobject' } } };
        return apply(item, index);
      });
      ctx.records.emitOutcomes(table.def.apiName, outcomes);
      const okCount = outcomes.filter((outcome) => outcome.ok).length;
      const data = outcomes.map((outcome) => (outcome.ok ? itemSuccess(outcome, kind) : itemError(outcome.error)));
      return { status: batchStatus(okCount, outcomes.length, kind === 'update' ? 200 : 201), body: { data } };
    },
  };
}

/** POST /crm/v8/{module} */
export function insertRecords(ctx: SimContext, table: ModuleTable, request: RouteRequest): ApiOperation {
  const body = parseWriteBody(request);
  return writeOperation(ctx, table, body, 'CREATE', 'insert', (item, index) => ctx.records.insertOne(table, item, index));
}

/** PUT /crm/v8/{module} and PUT /crm/v8/{module}/{id} */
export function updateRecords(ctx: SimContext, table: ModuleTable, request: RouteRequest, pathId?: string): ApiOperation {
  const body = parseWriteBody(request);
  return writeOperation(ctx, table, body, 'UPDATE', 'update', (item, index) => {
    const id = pathId ?? item.id;
    if (typeof id !== 'string' || id === '') return { ok: false, error: mandatoryMissing('id', `$.data[${index}].id`) };
    return ctx.records.updateOne(table, id, item, index);
  });
}

/** POST /crm/v8/{module}/upsert */
export function upsertRecords(ctx: SimContext, table: ModuleTable, request: RouteRequest): ApiOperation {
  const body = parseWriteBody(request);
  const fields = body.duplicateCheckFields ?? ctx.records.defaultDuplicateCheck(table);
  for (const [index, field] of fields.entries()) {
    if (!table.fields.has(field)) {
      throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: field, json_path: `$.duplicate_check_fields[${index}]`, expected_data_type: 'field' });
    }
  }
  return writeOperation(ctx, table, body, 'WRITE', 'upsert', (item, index) => ctx.records.upsertOne(table, item, index, fields));
}

/** DELETE /crm/v8/{module}?ids= and DELETE /crm/v8/{module}/{id} */
export function deleteRecords(ctx: SimContext, table: ModuleTable, request: RouteRequest, pathId?: string): ApiOperation {
  const raw = pathId ?? request.query.get('ids');
  if (raw === null || raw.trim() === '') throw zohoError(400, 'REQUIRED_PARAM_MISSING', 'One of the expected parameter is missing', { param_name: 'ids' });
  const ids = raw.split(',').map((id) => id.trim()).filter(Boolean);
  if (ids.length > MAX_WRITE_RECORDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'Record count exceeded', { limit: MAX_WRITE_RECORDS, param_name: 'ids' });
  return {
    credits: writeCredits(ids.length),
    complex: ids.length > COMPLEX_WRITE_THRESHOLD,
    scope: { family: 'modules', module: table.def.apiName, op: 'DELETE' },
    run: (): ApiResult => {
      const deleted: string[] = [];
      const data = ids.map((id): JsonObject => {
        if (!ctx.records.deleteOne(table, id)) return { code: 'INVALID_DATA', details: { id }, message: 'the id given seems to be invalid', status: 'error' };
        deleted.push(id);
        return { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' };
      });
      ctx.records.emit({ module: table.def.apiName, operation: 'delete', ids: deleted, affectedFields: {} });
      return { status: batchStatus(deleted.length, ids.length, 200), body: { data } };
    },
  };
}
