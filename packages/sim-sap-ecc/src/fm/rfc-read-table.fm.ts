import { coerce, renderFixed, type FieldDef } from '../ddic/ddic.js';
import { TABLE_BY_NAME } from '../ddic/tables.ddic.js';
import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import { abapException, RfcFailure } from '../protocol/rfc-errors.js';
import { rowKey, type Row, type TableStore } from '../store/table-store.js';
import { fields, rows, str, type FmContext, type FunctionModule, type Signature } from './fm-types.js';
import { compileWhere, WhereError, type CompiledWhere } from './where-clause.js';

const WIDE_TABLES: Array<[string, number]> = [['TBLOUT128', 128], ['TBLOUT512', 512], ['TBLOUT2048', 2048], ['TBLOUT8192', 8192], ['TBLOUT30000', 30000]];
const FIELDS_FIELDS = fields('FIELDNAME OFFSET:N LENGTH:N TYPE FIELDTEXT');
const OPTION_LINE = 72;

const raise = (key: string): never => {
  throw new RfcFailure(abapException(key));
};

interface Selected {
  field: FieldDef;
  offset: number;
}

function selectFields(ctxTable: TableStore, requested: RfcStructure[], delimiter: string): { selected: Selected[]; width: number } {
  const def = ctxTable.def;
  const names = requested.map((r) => str(r.FIELDNAME).trimEnd()).filter((n) => n !== '');
  const chosen = names.length === 0 ? def.fields : names.map((n) => def.fields.find((f) => f.name === n) ?? raise('FIELD_NOT_VALID'));
  let cursor = 0;
  const selected = chosen.map((field, i) => {
    const offset = cursor + (i > 0 ? delimiter.length : 0);
    cursor = offset + field.length;
    return { field, offset };
  });
  return { selected, width: cursor };
}

function whereText(options: RfcStructure[]): string {
  return options.map((o) => str(o.TEXT).slice(0, OPTION_LINE)).join(' ');
}

function* matching(table: TableStore, where: CompiledWhere): Iterable<Row> {
  for (const row of table.scan(where.range)) if (where.test(row)) yield row;
}

/**
 * Picks the rows to return. Without a restriction on the leading key the order is deliberately
 * different on each call (a random rotation), because a real database gives no order without
 * ORDER BY and RFC_READ_TABLE has none: paging with ROWSKIPS then skips or repeats rows.
 */
function pickRows(table: TableStore, where: CompiledWhere, skips: number, count: number): Row[] {
  const need = count > 0 ? skips + count : Number.POSITIVE_INFINITY;
  const paging = skips > 0 || count > 0;
  let out: Row[] = [];
  if (where.keyed && table.keyOrdered) {
    for (const row of matching(table, where)) {
      out.push(row);
      if (out.length >= need) break;
    }
  } else if (where.keyed) {
    out = [...matching(table, where)].sort((a, b) => (rowKey(table.def, a) < rowKey(table.def, b) ? -1 : 1));
  } else if (!paging) {
    out = [...matching(table, where)];
  } else {
    const rotation = Math.floor(Math.random() * 5000);
    const deferred: Row[] = [];
    let i = 0;
    for (const row of table.scan(where.range)) {
      const before = i++ < rotation;
      if (!where.test(row)) continue;
      if (before) {
        if (deferred.length < need) deferred.push(row);
      } else {
        out.push(row);
        if (out.length >= need) break;
      }
    }
    out.push(...deferred);
  }
  return out.slice(skips, count > 0 ? skips + count : undefined);
}

function readTable(ctx: FmContext, params: RfcObject, maxWidth: number): { fieldsOut: RfcStructure[]; lines: string[]; width: number } {
  const name = str(params.QUERY_TABLE).trim();
  const def = TABLE_BY_NAME.get(name);
  const table = ctx.db.table(name);
  if (!def || !table) return raise('TABLE_NOT_AVAILABLE');
  if (def.restricted) raise('NOT_AUTHORIZED');
  const delimiter = str(params.DELIMITER).slice(0, 1);
  const requested = rows(params.FIELDS);
  const { selected, width } = selectFields(table, requested, delimiter);
  const allFields = requested.every((r) => str(r.FIELDNAME).trim() === '');
  const effectiveWidth = allFields && def.widerThan512 ? Math.max(width, 513) : width;
  if (effectiveWidth > maxWidth) raise('DATA_BUFFER_EXCEEDED');
  const fieldsOut = selected.map(({ field, offset }) => ({
    FIELDNAME: field.name, OFFSET: String(offset).padStart(6, '0'), LENGTH: String(field.length).padStart(6, '0'),
    TYPE: field.type, FIELDTEXT: field.text.slice(0, 60),
  }));
  let where: CompiledWhere;
  try {
    where = compileWhere(def, whereText(rows(params.OPTIONS)));
  } catch (err) {
    if (err instanceof WhereError) raise('OPTION_NOT_VALID');
    throw err;
  }
  if (str(params.NO_DATA).trim() !== '') return { fieldsOut, lines: [], width: effectiveWidth };
  const skips = Math.max(0, Number(params.ROWSKIPS ?? 0) || 0);
  const count = Math.max(0, Number(params.ROWCOUNT ?? 0) || 0);
  const picked = pickRows(table, where, skips, count);
  // node-rfc strips trailing blanks of CHAR values, so a WA arrives right-trimmed.
  const lines = picked.map((row) => selected.map(({ field }) => renderFixed(field, row[field.name] ?? coerce(field, ''))).join(delimiter).trimEnd());
  return { fieldsOut, lines, width: effectiveWidth };
}

const READ_SIGNATURE: Signature = {
  QUERY_TABLE: { dir: 'I' }, DELIMITER: { dir: 'I' }, NO_DATA: { dir: 'I' }, ROWSKIPS: { dir: 'I', type: 'I' }, ROWCOUNT: { dir: 'I', type: 'I' },
  OPTIONS: { dir: 'T', fields: fields('TEXT') }, FIELDS: { dir: 'T', fields: FIELDS_FIELDS }, DATA: { dir: 'T', fields: fields('WA') },
};

function classicRead(name: string): FunctionModule {
  return {
    name,
    signature: READ_SIGNATURE,
    run: (ctx, params) => {
      const { fieldsOut, lines } = readTable(ctx, params, 512);
      return { FIELDS: fieldsOut, DATA: lines.map((WA) => ({ WA })), OPTIONS: rows(params.OPTIONS) };
    },
  };
}

export const rfcReadTable = classicRead('RFC_READ_TABLE');
/** Same interface and 512 limit; on a real system it differs only in converting FLTP fields. */
export const bbpRfcReadTable = classicRead('BBP_RFC_READ_TABLE');

/** /BODS/RFC_READ_TABLE2 (ST-PI / Data Services): the result lands in the narrowest TBLOUTnnn that fits. */
export function wideReadTable(name: string): FunctionModule {
  const signature: Signature = {
    QUERY_TABLE: { dir: 'I' }, DELIMITER: { dir: 'I' }, NO_DATA: { dir: 'I' }, ROWSKIPS: { dir: 'I', type: 'I' }, ROWCOUNT: { dir: 'I', type: 'I' },
    OUT_TABLE: { dir: 'E' },
    OPTIONS: { dir: 'T', fields: fields('TEXT') }, FIELDS: { dir: 'T', fields: FIELDS_FIELDS },
    ...Object.fromEntries(WIDE_TABLES.map(([t]) => [t, { dir: 'T', fields: fields('WA') } as const])),
  };
  return {
    name,
    signature,
    run: (ctx, params) => {
      const { fieldsOut, lines, width } = readTable(ctx, params, 30000);
      const [outTable] = WIDE_TABLES.find(([, w]) => width <= w) ?? WIDE_TABLES[WIDE_TABLES.length - 1];
      return { OUT_TABLE: outTable, FIELDS: fieldsOut, [outTable]: lines.map((WA) => ({ WA })), OPTIONS: rows(params.OPTIONS) };
    },
  };
}
