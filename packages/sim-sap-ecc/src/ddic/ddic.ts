/**
 * A minimal ABAP Dictionary: enough to answer RFC_READ_TABLE's FIELDS (name, type, length, text)
 * and to lay rows out at fixed offsets the way SAP does.
 *
 * Types are ABAP internal types: C char, N numeric text, D date (8), T time (6), P packed, I int4.
 * LENGTH is the external length RFC_READ_TABLE reports (DFIES-LENG: digits for P, 8 for D, 6 for T).
 */
export type AbapType = 'C' | 'N' | 'D' | 'T' | 'P' | 'I';

export interface FieldDef {
  name: string;
  type: AbapType;
  length: number;
  decimals: number;
  text: string;
  key: boolean;
}

export interface TableDef {
  name: string;
  text: string;
  fields: FieldDef[];
  /** When true, RFC_READ_TABLE raises NOT_AUTHORIZED (no S_TABU_DIS for the RFC user). */
  restricted: boolean;
  /**
   * The real table's full row is wider than 512 characters. A read of all fields then overflows
   * RFC_READ_TABLE on a real system even though the simulated subset would fit, so it must here too.
   */
  widerThan512: boolean;
}

export interface TableFlags {
  restricted?: boolean;
  widerThan512?: boolean;
}

/** Shorthand: 'KUNNR C 10 Customer', 'KLIMK P 15.2 Credit limit', '*MANDT C 3 Client' (* = key). */
export function table(name: string, text: string, specs: string[], flags: TableFlags = {}): TableDef {
  return { name, text, restricted: flags.restricted ?? false, widerThan512: flags.widerThan512 ?? false, fields: specs.map(parseField) };
}

function parseField(spec: string): FieldDef {
  const m = /^(\*?)(\S+) ([CNDTPI]) (\d+)(?:\.(\d+))? (.+)$/.exec(spec);
  if (!m) throw new Error(`bad field spec '${spec}'`);
  return {
    key: m[1] === '*',
    name: m[2],
    type: m[3] as AbapType,
    length: Number(m[4]),
    decimals: Number(m[5] ?? '0'),
    text: m[6],
  };
}

export function keyFields(def: TableDef): FieldDef[] {
  return def.fields.filter((f) => f.key);
}

export function fieldOf(def: TableDef, name: string): FieldDef | undefined {
  return def.fields.find((f) => f.name === name);
}

/**
 * Normalises a value assigned to a field as ABAP's MOVE would: CHAR is cut to its length (the
 * simulator truncates silently, like an ABAP assignment, so a 36-char UUID in a CHAR 12 field
 * loses its tail), NUMC keeps digits right-aligned with leading zeros.
 */
export function coerce(field: FieldDef, value: unknown): string {
  const raw = value === undefined || value === null ? '' : String(value);
  switch (field.type) {
    case 'C':
      return raw.slice(0, field.length).trimEnd();
    case 'N': {
      const digits = raw.replace(/\D/g, '');
      return digits.slice(-field.length).padStart(field.length, '0');
    }
    case 'D':
      return /^\d{8}$/.test(raw) ? raw : raw === '' ? '00000000' : raw.replace(/-/g, '').slice(0, 8).padEnd(8, '0');
    case 'T':
      return /^\d{6}$/.test(raw) ? raw : raw === '' ? '000000' : raw.replace(/:/g, '').slice(0, 6).padEnd(6, '0');
    case 'P':
    case 'I': {
      const n = Number(raw === '' ? '0' : raw);
      return Number.isFinite(n) ? n.toFixed(field.decimals) : '0';
    }
  }
}

/** A field value as it appears in RFC_READ_TABLE's DATA-WA: fixed width, packed right-aligned. */
export function renderFixed(field: FieldDef, value: string): string {
  if (field.type !== 'P' && field.type !== 'I') return value.padEnd(field.length).slice(0, field.length);
  const n = Number(value);
  const text = Math.abs(n).toFixed(field.decimals) + (n < 0 ? '-' : ' ');
  if (text.length <= field.length) return text.padStart(field.length);
  // An ABAP WRITE/MOVE of a packed number too wide for its target marks the overflow with '*'.
  return '*' + text.slice(text.length - field.length + 1);
}

/** Compares two internal values of a field as the database would (numbers numerically, text blank-padded). */
export function compareFieldValues(field: FieldDef, a: string, b: string): number {
  if (field.type === 'P' || field.type === 'I') return Math.sign(Number(a) - Number(b));
  const x = a.padEnd(field.length);
  const y = b.padEnd(field.length);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The first key field after the client, which a key-ordered scan is sorted by. */
export function leadingKey(def: TableDef): FieldDef | undefined {
  return def.fields.find((f) => f.key && f.name !== 'MANDT' && f.name !== 'MANDANT');
}
