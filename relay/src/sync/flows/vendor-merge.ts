import { VENDOR_FIELDS, type VendorField, type VendorsConfig } from '../flow-config.js';
import { sameValue } from './same-values.js';

export type VendorValues = Record<VendorField, string | null>;

export interface MergeInput {
  sap: VendorValues | undefined;
  zoho: VendorValues | undefined;
  /** What both sides held after the last sync; none before the first. */
  synced: VendorValues | undefined;
  /** When each side last changed (for last-writer-wins); undefined = unknown, loses to a known time. */
  sapChangedAt?: number;
  zohoChangedAt?: number;
}

export interface MergeResult {
  merged: VendorValues;
  /** Fields SAP must take, Zoho must take. */
  toSap: Partial<VendorValues>;
  toZoho: Partial<VendorValues>;
  conflicts: Array<{ field: VendorField; winner: 'sap' | 'zoho'; rule: string }>;
}

/**
 * Field-by-field merge against the last synced values. A field only one side changed goes to the
 * other; a field both changed is settled by its owner (config), else by the later writer. Our own
 * writes come back as changes equal to the synced values, so they produce no write: no echo loop.
 * Before a first sync (no synced values) SAP, the master, wins every difference.
 */
export function mergeVendor(input: MergeInput, ownership: VendorsConfig['ownership']): MergeResult {
  const merged = {} as VendorValues;
  const toSap: Partial<VendorValues> = {};
  const toZoho: Partial<VendorValues> = {};
  const conflicts: MergeResult['conflicts'] = [];
  for (const field of VENDOR_FIELDS) {
    const sap = input.sap?.[field] ?? null;
    const zoho = input.zoho?.[field] ?? null;
    const synced = input.synced?.[field] ?? null;
    let value: string | null;
    if (!input.sap) value = zoho;
    else if (!input.zoho) value = sap;
    else if (sameValue(sap, zoho)) value = sap;
    else {
      const sapChanged = !input.synced || !sameValue(sap, synced);
      const zohoChanged = input.synced !== undefined && !sameValue(zoho, synced);
      if (sapChanged && !zohoChanged) value = sap;
      else if (zohoChanged && !sapChanged) value = zoho;
      else {
        const winner = conflictWinner(field, input, ownership);
        conflicts.push({ field, winner: winner.side, rule: winner.rule });
        value = winner.side === 'sap' ? sap : zoho;
      }
    }
    merged[field] = value;
    if (input.sap && !sameValue(sap, value)) toSap[field] = value;
    if (!sameValue(zoho, value) || !input.zoho) toZoho[field] = value;
  }
  return { merged, toSap, toZoho, conflicts };
}

function conflictWinner(field: VendorField, input: MergeInput, ownership: VendorsConfig['ownership']): { side: 'sap' | 'zoho'; rule: string } {
  const owner = ownership[field] ?? 'last_writer';
  if (owner !== 'last_writer') return { side: owner, rule: `config.ownership.${field} = ${owner}` };
  if (!input.synced) return { side: 'sap', rule: 'first sync: SAP is the master' };
  const sapAt = input.sapChangedAt ?? 0;
  const zohoAt = input.zohoChangedAt ?? 0;
  return zohoAt > sapAt ? { side: 'zoho', rule: 'last writer (Zoho)' } : { side: 'sap', rule: 'last writer (SAP)' };
}
