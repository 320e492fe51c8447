import type { RfcObject, RfcStructure, RfcTable } from '../protocol/messages.js';
import type { EccDatabase } from '../store/ecc-database.js';
import type { Enqueue } from '../store/enqueue.js';
import type { LuwSession } from '../server/luw-session.js';

/**
 * A parameter of a function module: direction (I import, E export, C changing, T table) and, for
 * structures and tables, the field names the caller may fill. `fields` absent = a scalar.
 */
export interface ParamSpec {
  dir: 'I' | 'E' | 'C' | 'T';
  fields?: readonly string[];
}

export type Signature = Record<string, ParamSpec>;

export interface FmContext {
  db: EccDatabase;
  enqueue: Enqueue;
  luw: LuwSession;
  /** The system's logical system name (e.g. for OBJ_SYS). */
  logicalSystem: string;
}

export interface FunctionModule {
  name: string;
  signature: Signature;
  /** Returns the export, changing and table parameters it fills; the rest get initial values. */
  run(ctx: FmContext, params: RfcObject): RfcObject;
}

export function fields(list: string): readonly string[] {
  return list.trim().split(/\s+/);
}

export function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

export function struct(value: unknown): RfcStructure {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as RfcStructure) : {};
}

export function rows(value: unknown): RfcStructure[] {
  return Array.isArray(value) ? (value as RfcTable).filter((r): r is RfcStructure => typeof r === 'object' && r !== null) : [];
}
