import type { SapRow } from '../../sap/sap-commands.service.js';

// Small conversions between SAP's internal forms and what people (and Zoho) read.

/** A customer/vendor/document number without its ALPHA zeros, as SAP GUI shows it. */
export function displayNumber(value: string): string {
  return /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;
}

/** CONVERSION_EXIT_ALPHA_INPUT: RFC converts nothing, so numeric keys travel zero-padded. */
export function internalNumber(value: string, length: number): string {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? trimmed.padStart(length, '0') : trimmed;
}

export function text(row: SapRow | undefined, field: string): string {
  const value = row?.[field];
  return value === null || value === undefined ? '' : String(value).trim();
}

/** SAP's external date for the RFC user (DD.MM.YYYY), which BAPI_PO_CREATE1 expects in DELIVERY_DATE. */
export function externalDate(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return `${d}.${m}.${y}`;
}

/** YYYYMMDD, as DATS fields travel over RFC. */
export function datsOf(isoDate: string): string {
  return isoDate.slice(0, 10).replaceAll('-', '');
}

/**
 * The short key a Zoho record leaves in an SAP reference field (EKKO-IHREZ, CHAR 12; BKPF-XBLNR,
 * CHAR 16): "Z" and the last 11 digits of its id. Zoho ids of one org share their leading digits and
 * count up in the trailing ones, so the tail is unique within the org this tenant is connected to.
 */
export function zohoShortKey(zohoId: string): string {
  return `Z${zohoId.replace(/\D/g, '').slice(-11).padStart(11, '0')}`;
}

export function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
