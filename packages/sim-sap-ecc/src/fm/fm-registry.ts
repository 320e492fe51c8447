import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import { abapException, fieldNotFound, RfcFailure } from '../protocol/rfc-errors.js';
import type { FmContext, FunctionModule, ParamSpec } from './fm-types.js';

function initialStructure(spec: ParamSpec): RfcStructure {
  return Object.fromEntries((spec.fields ?? []).map((f) => [f, '']));
}

/** node-rfc looks each name up in the function's metadata and fails on the first unknown one. */
function checkNames(fm: FunctionModule, params: RfcObject): void {
  for (const [name, value] of Object.entries(params)) {
    const spec = fm.signature[name];
    if (!spec) throw new RfcFailure(fieldNotFound(name));
    if (!spec.fields) continue;
    const list = Array.isArray(value) ? value : [value];
    for (const item of list) {
      if (!item || typeof item !== 'object') continue;
      for (const field of Object.keys(item)) if (!spec.fields.includes(field)) throw new RfcFailure(fieldNotFound(field));
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
    checkNames(fm, params);
    const produced = fm.run(ctx, params);
    const result: RfcObject = {};
    for (const [pname, spec] of Object.entries(fm.signature)) {
      if (spec.dir === 'I') continue;
      if (produced[pname] !== undefined) result[pname] = produced[pname];
      else if (spec.dir === 'T') result[pname] = Array.isArray(params[pname]) ? params[pname] : [];
      else if (spec.dir === 'C' && params[pname] !== undefined) result[pname] = params[pname];
      else result[pname] = spec.fields ? initialStructure(spec) : '';
    }
    return result;
  }
}
