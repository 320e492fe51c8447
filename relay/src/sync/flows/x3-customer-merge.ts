import { X3_CUSTOMER_FIELDS, type X3CustomerField, type X3CustomersConfig } from '../x3-flow-config.js';
import { sameValue } from './same-values.js';

export type X3CustomerValues = Record<X3CustomerField, string | null>;

export interface X3MergeInput {
  x3: X3CustomerValues | undefined;
  zoho: X3CustomerValues | undefined;
  /** What both sides held after the last sync; none before the first. */
  synced: Partial<X3CustomerValues> | undefined;
  x3ChangedAt?: number;
  zohoChangedAt?: number;
}

export interface X3MergeResult {
  merged: X3CustomerValues;
  toX3: Partial<X3CustomerValues>;
  toZoho: Partial<X3CustomerValues>;
  conflicts: Array<{ field: X3CustomerField; winner: 'x3' | 'zoho'; rule: string }>;
}

/**
 * Field-by-field merge against the last synced values, as the SAP vendor flow does it: a field one
 * side changed goes to the other; a field both changed goes to its owner (config), else to the later
 * writer. Our own writes come back equal to the synced values and produce no write (no echo). Before
 * a first sync X3, the master, wins every difference.
 */
export function mergeX3Customer(input: X3MergeInput, ownership: X3CustomersConfig['ownership']): X3MergeResult {
  const merged = {} as X3CustomerValues;
  const toX3: Partial<X3CustomerValues> = {};
  const toZoho: Partial<X3CustomerValues> = {};
  const conflicts: X3MergeResult['conflicts'] = [];
  for (const field of X3_CUSTOMER_FIELDS) {
    const x3 = input.x3?.[field] ?? null;
    const zoho = input.zoho?.[field] ?? null;
    const synced = input.synced?.[field] ?? null;
    let value: string | null;
    if (!input.x3) value = zoho;
    else if (!input.zoho) value = x3;
    else if (sameValue(x3, zoho)) value = x3;
    else {
      const x3Changed = !input.synced || !sameValue(x3, synced);
      const zohoChanged = input.synced !== undefined && !sameValue(zoho, synced);
      if (x3Changed && !zohoChanged) value = x3;
      else if (zohoChanged && !x3Changed) value = zoho;
      else {
        const winner = conflictWinner(field, input, ownership);
        conflicts.push({ field, winner: winner.side, rule: winner.rule });
        value = winner.side === 'x3' ? x3 : zoho;
      }
    }
    merged[field] = value;
    if (input.x3 && !sameValue(x3, value)) toX3[field] = value;
    if (!sameValue(zoho, value) || !input.zoho) toZoho[field] = value;
  }
  return { merged, toX3, toZoho, conflicts };
}

function conflictWinner(field: X3CustomerField, input: X3MergeInput, ownership: X3CustomersConfig['ownership']): { side: 'x3' | 'zoho'; rule: string } {
  const owner = ownership[field] ?? 'last_writer';
  if (owner !== 'last_writer') return { side: owner, rule: `config.ownership.${field} = ${owner}` };
  if (!input.synced) return { side: 'x3', rule: 'first sync: X3 is the master' };
  return (input.zohoChangedAt ?? 0) > (input.x3ChangedAt ?? 0) ? { side: 'zoho', rule: 'last writer (Zoho)' } : { side: 'x3', rule: 'last writer (X3)' };
}
