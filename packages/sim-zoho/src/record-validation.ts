import { isObject, type JsonObject, type JsonValue } from './http-kit.js';
import { parseZohoDateTime, zohoDateTime } from './sim-clock.js';
import { SYSTEM_FIELDS, type FieldDef, type ModuleDef } from './record-modules.js';

export interface ItemError {
  readonly code: 'INVALID_DATA' | 'MANDATORY_NOT_FOUND' | 'DUPLICATE_DATA' | 'LIMIT_EXCEEDED';
  readonly message: string;
  readonly details: JsonObject;
}

export interface LookupTarget {
  readonly id: string;
  readonly name: string;
}

export interface NormalizeOptions {
  readonly mode: 'insert' | 'update';
  readonly acceptUnknownFields: boolean;
  resolveLookup(module: string, id: string): LookupTarget | undefined;
  nextLineItemId(): string;
}

export type Normalized = { readonly ok: true; readonly values: JsonObject } | { readonly ok: false; readonly error: ItemError };

const TEXT_LIMITS: Partial<Record<FieldDef['type'], number>> = { text: 255, textarea: 32_000, email: 100, phone: 30, website: 255, picklist: 255 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function invalidData(apiName: string, jsonPath: string, expected: string, extra: JsonObject = {}): ItemError {
  return { code: 'INVALID_DATA', message: 'invalid data', details: { expected_data_type: expected, api_name: apiName, json_path: jsonPath, ...extra } };
}

export function mandatoryMissing(apiName: string, jsonPath: string, extra: JsonObject = {}): ItemError {
  return { code: 'MANDATORY_NOT_FOUND', message: 'required field not found', details: { api_name: apiName, json_path: jsonPath, ...extra } };
}

function isBlank(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function lookupId(value: JsonValue): string | undefined {
  if (isObject(value) && typeof value.id === 'string') return value.id;
  if (isObject(value) && typeof value.id === 'number') return String(value.id);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return undefined;
}

/** Returns the stored form of one field value, or the item error Zoho would give for it. */
function normalizeValue(field: FieldDef, value: JsonValue, path: () => string, opts: NormalizeOptions): JsonValue | ItemError {
  if (value === null) return null;
  switch (field.type) {
    case 'text':
    case 'textarea':
    case 'phone':
    case 'website':
    case 'picklist':
    case 'email': {
      const limit = TEXT_LIMITS[field.type] ?? 255;
      if (typeof value !== 'string') return invalidData(field.apiName, path(), field.type === 'textarea' ? 'textarea' : field.type);
      if (value.length > limit) return invalidData(field.apiName, path(), field.type, { maximum_length: String(limit) });
      if (field.type === 'email' && value !== '' && !EMAIL.test(value)) return invalidData(field.apiName, path(), 'email');
      return value;
    }
    case 'integer':
      return Number.isSafeInteger(value) ? value : invalidData(field.apiName, path(), 'integer');
    case 'double':
    case 'currency':
      return typeof value === 'number' && Number.isFinite(value) ? value : invalidData(field.apiName, path(), field.type);
    case 'boolean':
      return typeof value === 'boolean' ? value : invalidData(field.apiName, path(), 'boolean');
    case 'date':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? value : invalidData(field.apiName, path(), 'date');
    case 'datetime': {
      const ms = typeof value === 'string' ? parseZohoDateTime(value) : Number.NaN;
      return Number.isNaN(ms) ? invalidData(field.apiName, path(), 'datetime') : zohoDateTime(ms);
    }
    case 'lookup': {
      const id = lookupId(value);
      const target = id === undefined ? undefined : opts.resolveLookup(field.lookupModule ?? '', id);
      return target ? { name: target.name, id: target.id } : invalidData(field.apiName, path(), 'lookup');
    }
    case 'line_items':
      return normalizeLineItems(field, value, path, opts);
  }
}

function numberOr(value: JsonValue | undefined, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** v8 line items: [{Product_Name:{id}, Quantity, List_Price, Discount, Tax, Description}]; totals are computed. */
function normalizeLineItems(field: FieldDef, value: JsonValue, path: () => string, opts: NormalizeOptions): JsonValue | ItemError {
  if (!Array.isArray(value)) return invalidData(field.apiName, path(), 'jsonarray');
  const items: JsonValue[] = [];
  for (const [index, raw] of value.entries()) {
    const itemPath = `${path()}[${index}]`;
    const parent = { parent_api_name: field.apiName };
    if (!isObject(raw)) return invalidData(field.apiName, itemPath, 'jsonobject');
    if (isBlank(raw.Product_Name)) return mandatoryMissing('Product_Name', `${itemPath}.Product_Name`, parent);
    const productId = lookupId(raw.Product_Name);
    const product = productId === undefined ? undefined : opts.resolveLookup(field.lookupModule ?? 'Products', productId);
    if (!product) return invalidData('Product_Name', `${itemPath}.Product_Name`, 'lookup', parent);
    if (isBlank(raw.Quantity)) return mandatoryMissing('Quantity', `${itemPath}.Quantity`, parent);
    for (const name of ['Quantity', 'List_Price', 'Discount', 'Tax'] as const) {
      const number = raw[name];
      if (number !== undefined && number !== null && (typeof number !== 'number' || !Number.isFinite(number))) {
        return invalidData(name, `${itemPath}.${name}`, 'double', parent);
      }
    }
    if (raw.Description !== undefined && raw.Description !== null && typeof raw.Description !== 'string') {
      return invalidData('Description', `${itemPath}.Description`, 'textarea', parent);
    }
    const quantity = numberOr(raw.Quantity, 0);
    const listPrice = numberOr(raw.List_Price, 0);
    const discount = numberOr(raw.Discount, 0);
    const tax = numberOr(raw.Tax, 0);
    const total = quantity * listPrice;
    items.push({
      id: typeof raw.id === 'string' ? raw.id : opts.nextLineItemId(),
      Product_Name: { name: product.name, id: product.id },
      Quantity: quantity,
      List_Price: listPrice,
      Discount: discount,
      Tax: tax,
      Total: total,
      Net_Total: total - discount + tax,
      Description: typeof raw.Description === 'string' ? raw.Description : null,
    });
  }
  return items;
}

function isItemError(value: JsonValue | ItemError): value is ItemError {
  return isObject(value) && typeof value.code === 'string' && typeof value.message === 'string' && isObject(value.details);
}

/** Checks one record of a write body against the module and returns the fields to store. */
export function normalizeRecord(def: ModuleDef, fieldsByName: ReadonlyMap<string, FieldDef>, input: JsonObject, index: number, opts: NormalizeOptions): Normalized {
  const values: JsonObject = {};
  for (const name in input) {
    if (SYSTEM_FIELDS.has(name) || name.startsWith('$')) continue;
    const value = input[name] as JsonValue;
    const field = fieldsByName.get(name);
    // Only an error names the path: built on demand, not for every field of every record.
    const path = (): string => `$.data[${index}].${name}`;
    if (!field) {
      if (opts.acceptUnknownFields) values[name] = value;
      continue;
    }
    if (field.required && isBlank(value)) return { ok: false, error: mandatoryMissing(name, path()) };
    const normalized = normalizeValue(field, value, path, opts);
    if (isItemError(normalized)) return { ok: false, error: normalized };
    values[name] = normalized;
  }
  if (opts.mode === 'insert') {
    for (const field of def.fields) {
      if (field.required && isBlank(input[field.apiName])) {
        return { ok: false, error: mandatoryMissing(field.apiName, `$.data[${index}].${field.apiName}`) };
      }
    }
  }
  return { ok: true, values };
}
