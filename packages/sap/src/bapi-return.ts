import type { RfcParams } from './rfc-connector.js';

/** One BAPI message row (BAPIRET2, or the older BAPIRETURN/BAPIRETURN1 with the same core fields). */
export interface BapiReturnRow {
  TYPE: string;
  ID: string;
  NUMBER: string;
  MESSAGE: string;
  [field: string]: unknown;
}

/**
 * The RETURN rows of a BAPI result: RETURN is a table in most BAPIs (BAPIRET2) and a structure in
 * older ones (BAPIRETURN1); an all-blank structure means "no message".
 */
export function returnRows(result: RfcParams): BapiReturnRow[] {
  const value = result['RETURN'];
  const rows = Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : [];
  return rows.filter((row): row is BapiReturnRow => typeof row === 'object' && row !== null && String((row as { TYPE?: unknown }).TYPE ?? '').trim() !== '');
}

/** Type E (error) or A (abort) means the BAPI did not do its work and the LUW must be rolled back. */
export function isFailure(row: BapiReturnRow): boolean {
  const type = String(row.TYPE).trim();
  return type === 'E' || type === 'A';
}

export function formatReturnRow(row: BapiReturnRow): string {
  return `${String(row.TYPE).trim()} ${String(row.ID ?? '').trim()} ${String(row.NUMBER ?? '').trim()}: ${String(row.MESSAGE ?? '').trim()}`;
}
