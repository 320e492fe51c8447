import { PO_PARAMS, PO_STRUCTURES } from './po-signatures.generated.js';
import { fields, type FieldType, type Signature } from './fm-types.js';

/** The real interface of a purchase-order BAPI, from the recorded signatures. */
export function poSignature(fm: 'BAPI_PO_CREATE1' | 'BAPI_PO_GETDETAIL1'): Signature {
  const signature: Signature = {};
  for (const entry of PO_PARAMS[fm]) {
    const [name, cls, struct, type] = entry.split(':');
    const dir = cls === 'T' ? 'T' : cls === 'E' ? 'E' : cls === 'C' ? 'C' : 'I';
    signature[name] = struct ? { dir, fields: fields(PO_STRUCTURES[struct] ?? '') } : { dir, type: type as FieldType };
  }
  return signature;
}
