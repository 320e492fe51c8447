import { convertValue, type ConvertedRow, type ReadField } from './wa-parser.js';

interface Column extends ReadField {
  end: number;
  alpha: boolean;
}

/**
 * One RFC_READ_TABLE answer kept as SAP sent it (one DATA-WA line per row), with the columns to cut
 * it by. Rows are cut and converted only when asked for, one at a time: a page of thousands of
 * rows then costs the heap its raw lines, not thousands of short-lived row objects that would
 * outlive a few garbage collections, get promoted and swell the old generation.
 */
export class RawLines {
  private readonly columns: Column[];
  private readonly keyColumns: Column[];
  private readonly lead: Column | undefined;

  constructor(
    private readonly lines: ReadonlyArray<Record<string, unknown>>,
    fields: ReadField[],
    keyFields: string[],
    alphaFields: ReadonlySet<string>,
  ) {
    this.columns = fields.map((f) => ({ ...f, end: f.offset + f.length, alpha: alphaFields.has(f.name) }));
    this.keyColumns = keyFields.flatMap((name) => this.columns.filter((c) => c.name === name));
    this.lead = this.keyColumns[0];
  }

  get length(): number {
    return this.lines.length;
  }

  /** The leading key field of row i, in SAP's internal format (what key-range paging compares). */
  leadOf(i: number): string {
    return this.lead ? this.cut(this.wa(i), this.lead) : '';
  }

  /** Row i, cut by OFFSET/LENGTH (values are unquoted: a delimiter inside the data would break a split) and converted. */
  row(i: number): ConvertedRow {
    const wa = this.wa(i);
    const values: ConvertedRow = {};
    for (const column of this.columns) values[column.name] = convertValue(this.cut(wa, column), column.type, column.alpha);
    return values;
  }

  /** The whole key of row i, internal format, for joining field groups. */
  keyOf(i: number): string {
    const wa = this.wa(i);
    return this.keyColumns.map((c) => this.cut(wa, c)).join('\u0000');
  }

  private wa(i: number): string {
    return String(this.lines[i]['WA'] ?? '');
  }

  /** node-rfc right-trims CHAR values, so a line may end before the last field does. */
  private cut(wa: string, column: Column): string {
    return wa.slice(column.offset, column.end).trimEnd();
  }
}
