import { compareFieldValues, keyFields, leadingKey, type TableDef } from '../ddic/ddic.js';

/** Inclusive bounds on the leading key field; a key-ordered table seeks to `low` and stops after `high`. */
export interface ScanRange {
  low?: string;
  high?: string;
}

/** A row in internal form; a missing field holds its initial value. */
export type Row = Record<string, string>;

export function rowKey(def: TableDef, row: Row): string {
  return keyFields(def)
    .map((f) => (row[f.name] ?? '').padEnd(f.length))
    .join('');
}

export interface TableStore {
  readonly def: TableDef;
  /** True when scan() yields rows in primary-key order. */
  readonly keyOrdered: boolean;
  /** All rows; a key-ordered table may leave out rows outside `range`, others ignore it. */
  scan(range?: ScanRange): Iterable<Row>;
  get(key: string): Row | undefined;
  put(row: Row): void;
}

/** Rows kept as objects; for the small tables and for everything written at run time. */
export class MemoryTable implements TableStore {
  readonly keyOrdered = false;
  private readonly rows = new Map<string, Row>();

  constructor(readonly def: TableDef) {}

  scan(): Iterable<Row> {
    return this.rows.values();
  }

  get(key: string): Row | undefined {
    return this.rows.get(key);
  }

  put(row: Row): void {
    this.rows.set(rowKey(this.def, row), row);
  }
}

export interface RowGenerator {
  count: number;
  /** Row number i (0-based), derived from the seed alone, so nothing has to be stored. */
  row(i: number): Row;
  /** The row number whose key this is, when the key belongs to a generated row. */
  indexOf(key: string): number | undefined;
}

/**
 * A seeded table of any size: generated rows are computed on demand from their row number, and
 * only rows changed or added later are stored. Generated keys ascend with the row number and new
 * keys are drawn above them, so a scan is in key order.
 */
export class SeededTable implements TableStore {
  readonly keyOrdered = true;
  private readonly changed = new Map<string, Row>();
  private readonly added = new Map<string, Row>();

  constructor(readonly def: TableDef, private readonly generator: RowGenerator) {}

  *scan(range: ScanRange = {}): Iterable<Row> {
    const lead = leadingKey(this.def);
    const beyond = (row: Row): boolean => !!lead && range.high !== undefined && compareFieldValues(lead, row[lead.name] ?? '', range.high) > 0;
    const below = (row: Row): boolean => !!lead && range.low !== undefined && compareFieldValues(lead, row[lead.name] ?? '', range.low) < 0;
    for (let i = this.firstIndex(range.low); i < this.generator.count; i++) {
      const generated = this.generator.row(i);
      if (beyond(generated)) return;
      yield this.changed.size === 0 ? generated : (this.changed.get(rowKey(this.def, generated)) ?? generated);
    }
    for (const row of this.added.values()) {
      if (beyond(row)) return;
      if (!below(row)) yield row;
    }
  }

  /** Binary search for the first generated row whose leading key is at or above `low`. */
  private firstIndex(low: string | undefined): number {
    const lead = leadingKey(this.def);
    if (low === undefined || !lead) return 0;
    let lo = 0;
    let hi = this.generator.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareFieldValues(lead, this.generator.row(mid)[lead.name] ?? '', low) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(key: string): Row | undefined {
    const changed = this.changed.get(key) ?? this.added.get(key);
    if (changed) return changed;
    const i = this.generator.indexOf(key);
    return i === undefined ? undefined : this.generator.row(i);
  }

  put(row: Row): void {
    const key = rowKey(this.def, row);
    if (this.generator.indexOf(key) !== undefined) this.changed.set(key, row);
    else this.added.set(key, row);
  }
}
