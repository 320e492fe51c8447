import { zohoError, type JsonObject } from './http-kit.js';
import type { ModuleTable, StoredRecord } from './module-table.js';
import type { SimContext } from './sim-context.js';

/**
 * A module outside the org's edition is absent from its module metadata, so the API answers as for
 * an unknown module. Zoho's v1 API had a dedicated code (4502 "This module is not supported in your
 * edition"); v2+ docs name none, and INVALID_MODULE is what peers report for such calls.
 */
export function requireModule(ctx: SimContext, module: string): ModuleTable {
  const table = ctx.records.table(module);
  if (!table || !ctx.records.isAvailable(module, ctx.settings.edition)) {
    throw zohoError(400, 'INVALID_MODULE', 'The module name given seems to be invalid', { resource_path_index: 0 });
  }
  return table;
}

export function projectRecord(record: StoredRecord, fields: readonly string[] | undefined): JsonObject {
  if (!fields) return { ...record.values };
  const out: JsonObject = {};
  for (const field of fields) out[field] = record.values[field] ?? null;
  out.id = record.id;
  return out;
}

export function parseFieldsParam(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  const fields = value.split(',').map((field) => field.trim()).filter(Boolean);
  return fields.length > 0 ? fields : undefined;
}

export function parseIntParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { param_name: name, expected_data_type: 'integer', reason: `must be between ${min} and ${max}` });
  }
  return value;
}
