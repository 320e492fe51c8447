/** A column as RFC_READ_TABLE's FIELDS table reports it. */
export interface ReadField {
  name: string;
  offset: number;
  length: number;
  /** ABAP internal type: C, N, D, T, P, I, F, X, ... */
  type: string;
}

export type RawRow = Record<string, string>;
export type ConvertedValue = string | number | null;
export type ConvertedRow = Record<string, ConvertedValue>;

export function readFields(rows: unknown): ReadField[] {
  if (!Array.isArray(rows)) return [];
  return rows.map((row: Record<string, unknown>) => ({
    name: String(row['FIELDNAME']).trim(),
    offset: Number(row['OFFSET']),
    length: Number(row['LENGTH']),
    type: String(row['TYPE'] ?? 'C').trim(),
  }));
}

/**
 * Cuts one DATA-WA line by OFFSET/LENGTH. Values are unquoted, so a delimiter inside the data would
 * break a split; positions never lie. node-rfc right-trims CHAR values, so a line may be shorter
 * than the last field's end.
 */
export function parseWa(wa: string, fields: ReadField[]): RawRow {
  const row: RawRow = {};
  for (const field of fields) row[field.name] = wa.slice(field.offset, field.offset + field.length).trimEnd();
  return row;
}

/**
 * External values from RFC_READ_TABLE's text: dates YYYYMMDD -> YYYY-MM-DD (initial -> null),
 * times HHMMSS -> HH:MM:SS, packed/float with a trailing minus -> a signed decimal string (kept as
 * text so no cent is lost to binary floating point; an overflow shown as '*...' -> null), integers
 * -> numbers, ALPHA-converted fields (numeric keys like KUNNR) without their leading zeros.
 */
export function convertValue(raw: string, type: string, alpha: boolean): ConvertedValue {
  const value = raw.trim();
  switch (type) {
    case 'D':
      return /^\d{8}$/.test(value) && value !== '00000000' ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : null;
    case 'T':
      return /^\d{6}$/.test(value) ? `${value.slice(0, 2)}:${value.slice(2, 4)}:${value.slice(4, 6)}` : null;
    case 'P':
    case 'F':
      return signedDecimal(value);
    case 'I':
    case 'b':
    case 's':
    case '8': {
      const n = signedDecimal(value);
      return n === null ? null : Number(n);
    }
    default:
      return alpha ? alphaOutput(value) : value;
  }
}

function signedDecimal(value: string): string | null {
  if (value === '') return '0';
  if (value.startsWith('*')) return null;
  const negative = value.endsWith('-') || value.startsWith('-');
  const digits = value.replace(/^-|-$/g, '').trim();
  if (!/^\d*\.?\d+(E[+-]?\d+)?$/i.test(digits)) return null;
  return negative && Number(digits) !== 0 ? `-${digits}` : digits;
}

/** CONVERSION_EXIT_ALPHA_OUTPUT: a purely numeric value loses its leading zeros. */
export function alphaOutput(value: string): string {
  return /^\d+$/.test(value) ? value.replace(/^0+(?=\d)/, '') : value;
}

/** CONVERSION_EXIT_ALPHA_INPUT: RFC applies no conversion, so numeric keys must be sent zero-padded. */
export function alphaInput(value: string, length: number): string {
  const trimmed = value.trim();
  return /^\d+$/.test(trimmed) ? trimmed.padStart(length, '0') : trimmed;
}
