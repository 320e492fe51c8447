import { TunnelError } from '@mlc/tunnel';
import type { RfcConnection, RfcParams } from '../rfc-connector.js';
import { RawLines } from './raw-lines.js';
import { readFields, type ConvertedRow, type ReadField } from './wa-parser.js';
import { abapLiteral, andWhere, toOptionLines } from './where-options.js';

export const WIDE_READ_FM = '/BODS/RFC_READ_TABLE2';
export const CLASSIC_READ_FM = 'RFC_READ_TABLE';
/** RFC_READ_TABLE's DATA-WA is CHAR 512: the selected fields (no delimiter) must fit. */
export const CLASSIC_ROW_CHARS = 512;

export interface TableReadRequest {
  table: string;
  /** Columns to read; empty = all (only possible where the row fits, or with the wide read). */
  fields: string[];
  /** The table's key fields without the client (MANDT), leading key first: pages and joins go by them. */
  keyFields: string[];
  /** Optional extra restriction in RFC_READ_TABLE's WHERE subset, e.g. "LAND1 = 'DE'". */
  where?: string;
  /** Fields to give back ALPHA-converted (numeric keys without leading zeros). */
  alphaFields?: string[];
  /** Rows per RFC call; default: about 512 KB of row text per call. */
  pageSize?: number;
  /** Stop after this many rows (0 = no limit); `truncated` then says whether more were there. */
  maxRows?: number;
}

export interface TableReadPage {
  /** How many rows the page holds. */
  readonly size: number;
  /**
   * The rows. Where one RFC call reads them all (the wide read, or a single field group) they are
   * converted as they are taken, so a consumer that encodes or stores each row at once keeps
   * nothing of the page alive but SAP's raw lines.
   */
  rows(): Iterable<ConvertedRow>;
}

export interface TableReadSummary {
  rows: number;
  pages: number;
  /** True when maxRows stopped the read and more rows matched. */
  truncated: boolean;
  /** 'wide' (/BODS/RFC_READ_TABLE2) or 'split' (RFC_READ_TABLE in field groups under 512). */
  mode: 'wide' | 'split';
  fieldGroups: number;
}

/**
 * Without an explicit page size, a page is about this many characters of row text: big enough that
 * the round trip to SAP is amortised, small enough that one page (parsed, converted, encoded, with
 * one more read ahead) stays a few MB of heap on the agent.
 */
const PAGE_TARGET_CHARS = 512 * 1024;
const MIN_PAGE_ROWS = 100;
const MAX_PAGE_ROWS = 50_000;

/**
 * Reads a table through RFC the way that survives real systems: the wide read where the system has
 * it (probed once per system, then remembered); otherwise the fields split into groups that fit
 * 512 characters, each group carrying the key, joined back by key. Pages go by key range on the
 * leading key (WHERE KEY > 'last'), never ROWSKIPS, which rescans and has no order guarantee.
 */
export class TableReadStrategy {
  private wideRead: Promise<boolean> | undefined;

  /** Whether this system has the wide read; asked once, on the first read. */
  hasWideRead(connection: RfcConnection, table: string, signal?: AbortSignal): Promise<boolean> {
    if (!this.wideRead) {
      this.wideRead = probeWideRead(connection, table, signal);
      this.wideRead.catch(() => (this.wideRead = undefined));
    }
    return this.wideRead;
  }

  async *read(connection: RfcConnection, request: TableReadRequest, signal?: AbortSignal): AsyncGenerator<TableReadPage, TableReadSummary> {
    if (request.keyFields.length === 0) throw new TunnelError('INVALID_ARGUMENT', `reading ${request.table} needs its key fields (paging and joins go by key)`, { detail: { field: 'key_fields' } });
    const wide = await this.hasWideRead(connection, request.table, signal);
    const reader = new PagedReader(connection, request, wide ? WIDE_READ_FM : CLASSIC_READ_FM, signal);
    const wideFields = request.fields.length === 0 ? [] : unique([...request.keyFields, ...request.fields]);
    const groups = wide ? [await reader.describe(wideFields)] : await reader.fieldGroups();
    return yield* reader.pages(groups, wide ? 'wide' : 'split');
  }
}

async function probeWideRead(connection: RfcConnection, table: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await connection.call(WIDE_READ_FM, { QUERY_TABLE: table, NO_DATA: 'X', FIELDS: [], OPTIONS: [] }, { signal });
    return true;
  } catch (err) {
    if (err instanceof TunnelError && err.detail['rfc_key'] === 'FU_NOT_FOUND') return false;
    // Anything else (a missing table, no authorisation) is about the table, not the FM: the FM exists.
    if (err instanceof TunnelError && err.code === 'BUSINESS_ERROR') return true;
    throw err;
  }
}

class PagedReader {
  private readonly leading: string;
  private pageSize: number;
  private readonly alpha: ReadonlySet<string>;

  constructor(
    private readonly connection: RfcConnection,
    private readonly request: TableReadRequest,
    private readonly fm: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.leading = request.keyFields[0];
    this.pageSize = request.pageSize ?? 0;
    this.alpha = new Set(request.alphaFields ?? []);
  }

  /** The FIELDS (offsets, lengths, types) of a selection, without reading data. */
  async describe(fields: string[]): Promise<ReadField[]> {
    const result = await this.call({ NO_DATA: 'X', FIELDS: fields.map((FIELDNAME) => ({ FIELDNAME })), OPTIONS: [] });
    return readFields(result['FIELDS']);
  }

  /**
   * Field groups for RFC_READ_TABLE, each with the key fields and under 512 characters. Widths come
   * from the system itself (describe with NO_DATA); a selection too wide to describe is halved.
   */
  async fieldGroups(): Promise<ReadField[][]> {
    const requested = this.request.fields.length > 0 ? this.request.fields : [];
    if (requested.length === 0) {
      const all = await this.describeOrNull([]);
      if (!all) throw new TunnelError('INVALID_ARGUMENT', `${this.request.table} is wider than ${CLASSIC_ROW_CHARS} characters and this system has no ${WIDE_READ_FM}: name the fields to read`, { detail: { field: 'fields' } });
      return [all];
    }
    const keys = this.request.keyFields;
    const others = requested.filter((f) => !keys.includes(f));
    const described = await this.describeInParts(others);
    const keyFields = await this.describe(keys);
    const keyWidth = keyFields.reduce((sum, f) => sum + f.length, 0);
    return packGroups(keyFields, keyWidth, described, this.request.table);
  }

  private async describeInParts(fields: string[]): Promise<ReadField[]> {
    if (fields.length === 0) return [];
    const described = await this.describeOrNull([...this.request.keyFields, ...fields]);
    if (described) return described.filter((f) => !this.request.keyFields.includes(f.name));
    if (fields.length === 1) throw new TunnelError('INVALID_ARGUMENT', `${this.request.table}-${fields[0]} with the key is wider than ${CLASSIC_ROW_CHARS} characters`, { detail: { field: 'fields' } });
    const half = Math.ceil(fields.length / 2);
    return [...(await this.describeInParts(fields.slice(0, half))), ...(await this.describeInParts(fields.slice(half)))];
  }

  private async describeOrNull(fields: string[]): Promise<ReadField[] | null> {
    try {
      return await this.describe(fields);
    } catch (err) {
      if (err instanceof TunnelError && err.detail['rfc_key'] === 'DATA_BUFFER_EXCEEDED') return null;
      throw err;
    }
  }

  async *pages(groups: ReadField[][], mode: TableReadSummary['mode']): AsyncGenerator<TableReadPage, TableReadSummary> {
    const maxRows = this.request.maxRows ?? 0;
    let cursor: string | undefined;
    let total = 0;
    let pages = 0;
    if (this.pageSize <= 0) {
      const width = groups[0].reduce((sum, f) => sum + f.length, 0);
      this.pageSize = Math.min(MAX_PAGE_ROWS, Math.max(MIN_PAGE_ROWS, Math.floor(PAGE_TARGET_CHARS / Math.max(1, width))));
    }
    for (;;) {
      let lines = await this.readGroup(groups[0], this.after(cursor), this.pageSize);
      const full = lines.length === this.pageSize;
      let { count, next, bounds } = this.completeGroups(lines, full, cursor);
      if (count === 0 && full) {
        // One leading-key value has a whole page of rows (e.g. one customer in many company codes): read it whole.
        const value = lines.leadOf(0);
        bounds = `${this.leading} = ${abapLiteral(value)}`;
        lines = await this.readGroup(groups[0], bounds, 0);
        count = lines.length;
        next = value;
      }
      let truncated = false;
      if (maxRows > 0 && total + count >= maxRows) {
        truncated = total + count > maxRows || (full && (await this.moreAfter(groups[0], next)));
        count = maxRows - total;
      }
      total += count;
      pages += 1;
      if (count > 0) yield groups.length === 1 ? lazyPage(lines, count) : joinedPage(await this.join(lines, count, groups, bounds));
      if (truncated || (maxRows > 0 && total >= maxRows) || !full) return { rows: total, pages, truncated, mode, fieldGroups: groups.length };
      cursor = next;
    }
  }

  /**
   * With a composite key, a full page may end in the middle of a leading-key value; those rows are
   * dropped and read again with the next page, so no row is lost or duplicated across pages.
   */
  private completeGroups(lines: RawLines, full: boolean, cursor: string | undefined): { count: number; next: string | undefined; bounds: string } {
    assertKeyOrder(lines, this.leading, this.request.table);
    let count = lines.length;
    if (full && this.request.keyFields.length > 1) {
      const last = lines.leadOf(count - 1);
      while (count > 0 && lines.leadOf(count - 1) === last) count -= 1;
    }
    const next = count > 0 ? lines.leadOf(count - 1) : cursor;
    const low = this.after(cursor);
    const high = next === undefined ? undefined : `${this.leading} <= ${abapLiteral(next)}`;
    return { count, next, bounds: andWhere(low, high) };
  }

  private async moreAfter(group: ReadField[], cursor: string | undefined): Promise<boolean> {
    return (await this.readGroup(group, this.after(cursor), 1)).length > 0;
  }

  /**
   * The key range after the cursor. The first page is restricted too (KEY >= ''): without a
   * condition on the key, the database reads in no particular order and ROWCOUNT takes any rows.
   */
  private after(cursor: string | undefined): string {
    return cursor === undefined ? `${this.leading} >= ${abapLiteral('')}` : `${this.leading} > ${abapLiteral(cursor)}`;
  }

  /** Reads the other field groups over the same key range and joins them to the first by key. */
  private async join(lines: RawLines, count: number, groups: ReadField[][], bounds: string): Promise<ConvertedRow[]> {
    const byKey = new Map<string, ConvertedRow>();
    const rows: ConvertedRow[] = [];
    for (let i = 0; i < count; i += 1) {
      const row = lines.row(i);
      rows.push(row);
      byKey.set(lines.keyOf(i), row);
    }
    for (const group of groups.slice(1)) {
      const parts = await this.readGroup(group, bounds, 0);
      for (let i = 0; i < parts.length; i += 1) {
        const row = byKey.get(parts.keyOf(i));
        if (row) Object.assign(row, parts.row(i));
      }
    }
    // A row changed between the group reads could miss a part: those fields are then absent.
    return rows;
  }

  private async readGroup(group: ReadField[], range: string | undefined, rowCount: number): Promise<RawLines> {
    const where = andWhere(this.request.where, range);
    const result = await this.call({
      FIELDS: group.map((f) => ({ FIELDNAME: f.name })),
      OPTIONS: toOptionLines(where),
      ...(rowCount > 0 ? { ROWCOUNT: rowCount } : {}),
    });
    const table = this.fm === WIDE_READ_FM ? String(result['OUT_TABLE'] ?? '').trim() : 'DATA';
    const lines = Array.isArray(result[table]) ? (result[table] as Array<Record<string, unknown>>) : [];
    return new RawLines(lines, readFields(result['FIELDS']), this.request.keyFields, this.alpha);
  }

  private call(params: RfcParams): Promise<RfcParams> {
    return this.connection.call(this.fm, { QUERY_TABLE: this.request.table, DELIMITER: '', ...params }, { signal: this.signal });
  }
}

/**
 * First-fit-decreasing packing of the non-key fields into groups that, with the key, fit 512
 * characters: each group is one more RFC call per page, so fewer is faster.
 */
function packGroups(keyFields: ReadField[], keyWidth: number, fields: ReadField[], table: string): ReadField[][] {
  const groups: Array<{ fields: ReadField[]; width: number }> = [];
  for (const field of [...fields].sort((a, b) => b.length - a.length)) {
    if (keyWidth + field.length > CLASSIC_ROW_CHARS) throw new TunnelError('INVALID_ARGUMENT', `${table}-${field.name} with the key is wider than ${CLASSIC_ROW_CHARS} characters`, { detail: { field: 'fields' } });
    const group = groups.find((g) => g.width + field.length <= CLASSIC_ROW_CHARS);
    if (group) {
      group.fields.push(field);
      group.width += field.length;
    } else {
      groups.push({ fields: [field], width: keyWidth + field.length });
    }
  }
  if (groups.length === 0) return [keyFields];
  return groups.map((g) => [...keyFields, ...g.fields]);
}

/**
 * Key-range paging is only sound when a range read comes back in key order (an index range scan,
 * as on every database SAP runs on). If a system ever answers out of order, fail loudly rather
 * than skip rows silently.
 */
function assertKeyOrder(lines: RawLines, leading: string, table: string): void {
  let previous = lines.length > 0 ? lines.leadOf(0) : '';
  for (let i = 1; i < lines.length; i += 1) {
    const lead = lines.leadOf(i);
    if (lead < previous) {
      throw new TunnelError('INTERNAL', `${table} came back out of ${leading} order; key-range paging cannot be trusted on this system`, { detail: { table, field: leading } });
    }
    previous = lead;
  }
}

/** Field groups joined by key are whole rows already. */
function joinedPage(rows: ConvertedRow[]): TableReadPage {
  return { size: rows.length, rows: () => rows };
}

/** A page whose rows are converted as they are taken, one at a time. */
function lazyPage(lines: RawLines, count: number): TableReadPage {
  return {
    size: count,
    *rows() {
      for (let i = 0; i < count; i += 1) yield lines.row(i);
    },
  };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
