import type { RfcObject, RfcStructure, RfcTable } from '../protocol/messages.js';
import type { EccDatabase } from '../store/ecc-database.js';
import type { Enqueue } from '../store/enqueue.js';
import type { LuwSession } from '../server/luw-session.js';

/**
 * ABAP types as node-rfc checks what a caller passes: C/N/D/T want strings, P numbers or strings,
 * I integers; '' is not checked.
 */
export type FieldType = 'C' | 'N' | 'D' | 'T' | 'P' | 'I' | '';

/**
 * A parameter of a function module: direction (I import, E export, C changing, T table), and
 * either the type of a scalar or, for structures and tables, their fields with types.
 */
export interface ParamSpec {
  dir: 'I' | 'E' | 'C' | 'T';
  type?: FieldType;
  fields?: Readonly<Record<string, FieldType>>;
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

/** 'NAME NAME:P NAME:D' (type C unless given) to a field map. */
export function fields(list: string): Readonly<Record<string, FieldType>> {
  return Object.fromEntries(list.trim().split(/\s+/).map((spec) => {
    const [name, type = 'C'] = spec.split(':');
    return [name, type as FieldType];
  }));
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
