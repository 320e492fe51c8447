import type { JsonObject, JsonValue } from './http-kit.js';
import type { FieldDef, ModuleDef } from './record-modules.js';

export interface StoredRecord {
  readonly id: string;
  values: JsonObject;
  readonly createdMs: number;
  modifiedMs: number;
}

export interface DeletedRecord {
  readonly id: string;
  readonly displayName: string;
  readonly deletedMs: number;
}

/** The value a duplicate check compares: lookups by id, text case-insensitively. */
export function indexKey(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!Array.isArray(value) && typeof value.id === 'string') return value.id;
  return undefined;
}

/**
 * One module's records in id order (ids only grow, so Map insertion order is id order) plus one
 * value index per field that upsert or a unique rule has asked about, kept current on every write
 * so a duplicate check never scans the module.
 */
export class ModuleTable {
  readonly records = new Map<string, StoredRecord>();
  readonly fields = new Map<string, FieldDef>();
  /** Deleted records in deletion order, for GET /{module}/deleted. */
  readonly deleted: DeletedRecord[] = [];
  private readonly indexes = new Map<string, Map<string, IndexEntry>>();

  constructor(readonly def: ModuleDef) {
    for (const field of def.fields) this.fields.set(field.apiName, field);
  }

  addField(field: FieldDef): void {
    this.def.fields.push(field);
    this.fields.set(field.apiName, field);
    this.indexes.delete(field.apiName);
  }

  private index(field: string): Map<string, IndexEntry> {
    let index = this.indexes.get(field);
    if (index) return index;
    index = new Map();
    for (const record of this.records.values()) addToIndex(index, indexKey(record.values[field]), record.id);
    this.indexes.set(field, index);
    return index;
  }

  /** The oldest record whose field holds this value, ignoring `exceptId`. */
  findBy(field: string, value: JsonValue | undefined, exceptId?: string): string | undefined {
    const key = indexKey(value);
    if (key === undefined) return undefined;
    const ids = this.index(field).get(key);
    if (ids === undefined) return undefined;
    if (typeof ids === 'string') return ids === exceptId ? undefined : ids;
    for (const id of ids) if (id !== exceptId) return id;
    return undefined;
  }

  put(record: StoredRecord, previous?: JsonObject): void {
    for (const [field, index] of this.indexes) {
      const oldKey = indexKey(previous?.[field]);
      const newKey = indexKey(record.values[field]);
      if (oldKey === newKey && previous) continue;
      removeFromIndex(index, oldKey, record.id);
      addToIndex(index, newKey, record.id);
    }
    this.records.set(record.id, record);
  }

  remove(id: string): StoredRecord | undefined {
    const record = this.records.get(id);
    if (!record) return undefined;
    for (const [field, index] of this.indexes) removeFromIndex(index, indexKey(record.values[field]), id);
    this.records.delete(id);
    return record;
  }

  clear(): void {
    this.records.clear();
    this.indexes.clear();
    this.deleted.length = 0;
  }
}

/**
 * The ids whose field holds one value, oldest first: most values belong to one record, so a lone id
 * is kept as itself (a Set each would cost ~100 bytes per record and index).
 */
type IndexEntry = string | Set<string>;

function addToIndex(index: Map<string, IndexEntry>, key: string | undefined, id: string): void {
  if (key === undefined) return;
  const ids = index.get(key);
  if (ids === undefined) index.set(key, id);
  else if (typeof ids === 'string') {
    if (ids !== id) index.set(key, new Set([ids, id]));
  } else ids.add(id);
}

function removeFromIndex(index: Map<string, IndexEntry>, key: string | undefined, id: string): void {
  if (key === undefined) return;
  const ids = index.get(key);
  if (ids === id) index.delete(key);
  else if (typeof ids === 'object') ids.delete(id);
}
