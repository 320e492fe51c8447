import { isObject, type JsonObject, type JsonValue } from './http-kit.js';
import { isEditionAtLeast, type Edition } from './editions.js';
import { ModuleTable, type DeletedRecord, type StoredRecord } from './module-table.js';
import { standardModules, type FieldDef, type ModuleDef } from './record-modules.js';
import { invalidData, normalizeRecord, type ItemError, type LookupTarget, type NormalizeOptions } from './record-validation.js';
import { zohoDateTime, type SimClock } from './sim-clock.js';

/** The org's one user. Records share this object (frozen), rather than a copy each in Owner, Created_By and Modified_By. */
export const SIM_USER = Object.freeze({ name: 'Sim Admin', id: '5725767000000411001', email: 'admin@sim-zoho.test' });

export type WriteOutcome =
  | { readonly ok: true; readonly record: StoredRecord; readonly action: 'insert' | 'update'; readonly duplicateField: string | null; readonly changed: string[] }
  | { readonly ok: false; readonly error: ItemError };

export interface ChangeEvent {
  readonly module: string;
  readonly operation: 'insert' | 'update' | 'delete';
  readonly ids: string[];
  /** Per updated record, the fields whose values changed. */
  readonly affectedFields: Record<string, string[]>;
}

export type ChangeListener = (event: ChangeEvent) => void;

/** The org's modules (with their custom fields) and records as plain JSON, to keep across restarts. */
export interface RecordsState {
  readonly nextId: number;
  readonly modules: ReadonlyArray<{ readonly def: ModuleDef; readonly records: StoredRecord[]; readonly deleted: DeletedRecord[] }>;
}

const ID_PREFIX = '5725767';

/** The org's records, shared by the CRM API and the admin "user" so both fire the same notifications. */
export class RecordsStore {
  private readonly tables = new Map<string, ModuleTable>();
  private nextId = 1_000_000;
  private readonly listeners: ChangeListener[] = [];
  acceptUnknownFields = false;

  constructor(private readonly clock: SimClock) {
    this.reset();
  }

  reset(): void {
    this.tables.clear();
    for (const def of standardModules()) this.tables.set(def.apiName, new ModuleTable(def));
  }

  exportState(): RecordsState {
    const modules = [...this.tables.values()].map((table) => ({ def: table.def, records: [...table.records.values()], deleted: [...table.deleted] }));
    return { nextId: this.nextId, modules };
  }

  /** Replaces every module and record with a saved state (custom fields and modules included). */
  importState(state: RecordsState): void {
    this.tables.clear();
    for (const saved of state.modules) {
      const table = new ModuleTable({ ...saved.def, fields: [...saved.def.fields] });
      for (const record of saved.records) table.put(record);
      table.deleted.push(...saved.deleted);
      this.tables.set(saved.def.apiName, table);
    }
    this.nextId = state.nextId;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  emit(event: ChangeEvent): void {
    if (event.ids.length === 0) return;
    for (const listener of this.listeners) listener(event);
  }

  table(module: string): ModuleTable | undefined {
    return this.tables.get(module);
  }

  moduleNames(): string[] {
    return [...this.tables.keys()];
  }

  isAvailable(module: string, edition: Edition): boolean {
    const table = this.tables.get(module);
    return table !== undefined && isEditionAtLeast(edition, table.def.minEdition);
  }

  /**
   * An admin-defined module (Setup > Modules): its records are named by the standard `Name` field,
   * and it exists from the Standard edition up.
   */
  addCustomModule(apiName: string, fields: readonly FieldDef[]): void {
    if (this.tables.has(apiName)) throw new RangeError(`module ${apiName} exists`);
    const def: ModuleDef = {
      apiName, id: this.newId(), nameField: 'Name', minEdition: 'standard', defaultDuplicateCheck: ['Name'],
      fields: [{ apiName: 'Name', type: 'text', required: true }, ...fields.map((f) => ({ ...f, custom: true }))],
    };
    this.tables.set(apiName, new ModuleTable(def));
  }

  addCustomField(module: string, field: FieldDef): void {
    const table = this.tables.get(module);
    if (!table) throw new RangeError(`unknown module ${module}`);
    table.addField({ ...field, custom: true });
  }

  private newId(): string {
    this.nextId += 1;
    return `${ID_PREFIX}${String(this.nextId).padStart(12, '0')}`;
  }

  private options(mode: 'insert' | 'update'): NormalizeOptions {
    return {
      mode,
      acceptUnknownFields: this.acceptUnknownFields,
      resolveLookup: (module, id) => this.resolveLookup(module, id),
      nextLineItemId: () => this.newId(),
    };
  }

  resolveLookup(module: string, id: string): LookupTarget | undefined {
    const table = this.tables.get(module);
    const record = table?.records.get(id);
    if (!table || !record) return undefined;
    const name = record.values[table.def.nameField];
    return { id, name: typeof name === 'string' ? name : id };
  }

  private uniqueViolation(table: ModuleTable, values: JsonObject, index: number, exceptId?: string): ItemError | undefined {
    for (const field of table.def.fields) {
      if (!field.unique || !(field.apiName in values)) continue;
      const duplicateId = table.findBy(field.apiName, values[field.apiName], exceptId);
      if (duplicateId === undefined) continue;
      return {
        code: 'DUPLICATE_DATA',
        message: 'duplicate data',
        details: {
          api_name: field.apiName,
          json_path: `$.data[${index}].${field.apiName}`,
          id: duplicateId,
          duplicate_record: { id: duplicateId, module: { api_name: table.def.apiName, id: table.def.id }, Owner: { ...SIM_USER } },
        },
      };
    }
    return undefined;
  }

  insertOne(table: ModuleTable, input: JsonObject, index: number): WriteOutcome {
    const normalized = normalizeRecord(table.def, table.fields, input, index, this.options('insert'));
    if (!normalized.ok) return normalized;
    const duplicate = this.uniqueViolation(table, normalized.values, index);
    if (duplicate) return { ok: false, error: duplicate };
    const now = this.clock.now();
    const id = this.newId();
    const stamp = zohoDateTime(now);
    const values: JsonObject = {
      id,
      ...normalized.values,
      Owner: SIM_USER,
      Created_By: SIM_USER,
      Modified_By: SIM_USER,
      Created_Time: stamp,
      Modified_Time: stamp,
    };
    const record: StoredRecord = { id, values, createdMs: now, modifiedMs: now };
    table.put(record);
    return { ok: true, record, action: 'insert', duplicateField: null, changed: Object.keys(normalized.values) };
  }

  updateOne(table: ModuleTable, id: string, input: JsonObject, index: number): WriteOutcome {
    const existing = table.records.get(id);
    if (!existing) return { ok: false, error: invalidData('id', `$.data[${index}].id`, 'bigint') };
    const normalized = normalizeRecord(table.def, table.fields, input, index, this.options('update'));
    if (!normalized.ok) return normalized;
    const duplicate = this.uniqueViolation(table, normalized.values, index, id);
    if (duplicate) return { ok: false, error: duplicate };
    const changed = Object.keys(normalized.values).filter((key) => JSON.stringify(existing.values[key] ?? null) !== JSON.stringify(normalized.values[key]));
    const previous = existing.values;
    const now = this.clock.now();
    existing.values = { ...previous, ...normalized.values, Modified_By: SIM_USER, Modified_Time: zohoDateTime(now) };
    existing.modifiedMs = now;
    table.put(existing, previous);
    return { ok: true, record: existing, action: 'update', duplicateField: null, changed };
  }

  /** Upsert matches on each duplicate-check field in order; the first field with a match wins. */
  upsertOne(table: ModuleTable, input: JsonObject, index: number, duplicateCheckFields: readonly string[]): WriteOutcome {
    if (typeof input.id === 'string') return this.updateOne(table, input.id, input, index);
    for (const field of duplicateCheckFields) {
      const match = table.findBy(field, lookupAware(input[field]));
      if (match === undefined) continue;
      const outcome = this.updateOne(table, match, input, index);
      return outcome.ok ? { ...outcome, duplicateField: field } : outcome;
    }
    return this.insertOne(table, input, index);
  }

  deleteOne(table: ModuleTable, id: string): StoredRecord | undefined {
    const removed = table.remove(id);
    if (removed) {
      const name = removed.values[table.def.nameField];
      table.deleted.push({ id, displayName: typeof name === 'string' ? name : id, deletedMs: this.clock.now() });
    }
    return removed;
  }

  defaultDuplicateCheck(table: ModuleTable): string[] {
    const unique = table.def.fields.filter((field) => field.unique).map((field) => field.apiName);
    return [...new Set([...table.def.defaultDuplicateCheck, ...unique])];
  }

  /** Emits one event per operation kind, like Zoho's one callback per API call. */
  emitOutcomes(module: string, outcomes: readonly WriteOutcome[]): void {
    const inserted: string[] = [];
    const updated: string[] = [];
    const affected: Record<string, string[]> = {};
    for (const outcome of outcomes) {
      if (!outcome.ok) continue;
      if (outcome.action === 'insert') inserted.push(outcome.record.id);
      else {
        updated.push(outcome.record.id);
        affected[outcome.record.id] = outcome.changed;
      }
    }
    this.emit({ module, operation: 'insert', ids: inserted, affectedFields: {} });
    this.emit({ module, operation: 'update', ids: updated, affectedFields: affected });
  }
}

/** A lookup sent as {id} compares by id, like the index stores it. */
function lookupAware(value: JsonValue | undefined): JsonValue | undefined {
  if (isObject(value) && typeof value.id === 'string') return { id: value.id };
  return value;
}
