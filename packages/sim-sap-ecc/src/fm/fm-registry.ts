import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import { abapException, fieldNotFound, RfcFailure, typeError } from '../protocol/rfc-errors.js';
import type { FieldType, FmContext, FunctionModule, ParamSpec } from './fm-types.js';

/** node-rfc's RFCTYPE numbers, which appear in its type-check messages. */
const RFCTYPE: Record<Exclude<FieldType, ''>, number> = { C: 0, D: 1, P: 2, T: 3, N: 6, I: 8 };

function initialStructure(spec: ParamSpec): RfcStructure {
  return Object.fromEntries(Object.entries(spec.fields ?? {}).map(([f, type]) => [f, type === 'I' ? 0 : '']));
}

/** The check node-rfc makes before anything is sent: a wrong JS type is a TypeError. */
function checkType(name: string, type: FieldType, value: unknown): void {
  if (type === '' || value === undefined || value === null) return;
  const code = RFCTYPE[type];
  const fail = (what: string): never => {
    throw new RfcFailure(typeError(`${what} when filling field ${name} of type ${code}`));
  };
  switch (type) {
    case 'C':
    case 'N':
      if (typeof value !== 'string') fail('Char expected');
      return;
    case 'D':
      if (typeof value !== 'string') fail('ABAP date format YYYYMMDD expected');
      return;
    case 'T':
      if (typeof value !== 'string') fail('ABAP time format HHMMSS expected');
      return;
    case 'P':
      if (typeof value !== 'number' && typeof value !== 'string' && typeof value !== 'object') fail('Number, number object or string expected');
      return;
    case 'I':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('Integer number expected');
      return;
  }
}

/** node-rfc looks each name up in the function's metadata and fails on the first unknown one. */
function checkParams(fm: FunctionModule, params: RfcObject): void {
  for (const [name, value] of Object.entries(params)) {
    const spec = fm.signature[name];
    if (!spec) throw new RfcFailure(fieldNotFound(name));
    if (!spec.fields) {
      checkType(name, spec.type ?? 'C', value);
      continue;
    }
    if (spec.dir === 'T' && !Array.isArray(value)) throw new RfcFailure(typeError(`Array expected when filling field ${name} of type 5`));
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      for (const [field, fieldValue] of Object.entries(item)) {
        const type = spec.fields[field];
        if (type === undefined) throw new RfcFailure(fieldNotFound(field));
        checkType(field, type, fieldValue);
      }
    }
  }
}

export class FmRegistry {
  private readonly modules = new Map<string, FunctionModule>();

  register(fm: FunctionModule): void {
    this.modules.set(fm.name, fm);
  }

  /** Runs a function module as RfcInvoke would and returns every non-import parameter. */
  invoke(ctx: FmContext, name: string, params: RfcObject): RfcObject {
    const fm = this.modules.get(name);
    if (!fm) {
      throw new RfcFailure(abapException('FU_NOT_FOUND', { msgClass: 'FL', msgType: 'E', msgNumber: '046', v1: name }));
    }
    checkParams(fm, params);
    const produced = fm.run(ctx, params);
    const result: RfcObject = {};
    for (const [pname, spec] of Object.entries(fm.signature)) {
      if (spec.dir === 'I') continue;
      if (produced[pname] !== undefined) result[pname] = produced[pname];
      else if (spec.dir === 'T') result[pname] = Array.isArray(params[pname]) ? params[pname] : [];
      else if (spec.dir === 'C' && params[pname] !== undefined) result[pname] = params[pname];
      else result[pname] = spec.fields ? initialStructure(spec) : spec.type === 'I' ? 0 : '';
    }
    return result;
  }
}
