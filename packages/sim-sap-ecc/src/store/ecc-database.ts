import { TABLE_BY_NAME, TABLES } from '../ddic/tables.ddic.js';
import type { CommitJournal, CommittedWork } from './commit-journal.js';
import { customerGenerators, FIRST_CUSTOMER, FIRST_VENDOR, vendorGenerators, type SeedOptions } from './seed-data.js';
import { SimClock } from './sim-clock.js';
import { MemoryTable, rowKey, SeededTable, type Row, type TableStore } from './table-store.js';

const STATIC_ROWS: Record<string, Row[]> = {
  T001: [
    { BUKRS: '1000', BUTXT: 'Sim Europe GmbH', ORT01: 'Frankfurt', LAND1: 'DE', WAERS: 'EUR', SPRAS: 'D', KTOPL: 'INT', PERIV: 'K4' },
    { BUKRS: '2000', BUTXT: 'Sim Americas Inc.', ORT01: 'Chicago', LAND1: 'US', WAERS: 'USD', SPRAS: 'E', KTOPL: 'INT', PERIV: 'K4' },
  ],
  T001W: [
    { WERKS: '1000', NAME1: 'Werk Hamburg', BWKEY: '1000', LAND1: 'DE' },
    { WERKS: '1100', NAME1: 'Werk Berlin', BWKEY: '1100', LAND1: 'DE' },
    { WERKS: '2000', NAME1: 'Plant Chicago', BWKEY: '2000', LAND1: 'US' },
  ],
  USR02: [
    { BNAME: 'MLC_RFC', BCODE: '3F1A9C0D', GLTGV: '20200101', GLTGB: '99991231', USTYP: 'B' },
    { BNAME: 'DDIC', BCODE: '77AB01C2', GLTGV: '20000101', GLTGB: '99991231', USTYP: 'S' },
  ],
};

const GL_ACCOUNTS: Array<[string, string, string]> = [
  ['0000113100', 'X', ''], ['0000140000', 'X', 'D'], ['0000154000', 'X', ''], ['0000160000', 'X', 'K'],
  ['0000400000', '', ''], ['0000800000', '', ''],
];

/** Materials: numeric ones are stored ALPHA-padded to 18 places, as MATNR is in the database. */
function materials(): Row[] {
  const rows: Row[] = [];
  for (let i = 1; i <= 50; i++) {
    rows.push({ MATNR: String(400000 + i).padStart(18, '0'), ERSDA: '20150101', ERNAM: 'MIGRATION', MTART: 'ROH', MATKL: '001', MEINS: 'ST' });
  }
  for (const name of ['SIM-PUMP-01', 'SIM-VALVE-02', 'SIM-BOLT-M8', 'SIM-OIL-5L']) {
    rows.push({ MATNR: name, ERSDA: '20180301', ERNAM: 'MIGRATION', MTART: 'HAWA', MATKL: '002', MEINS: 'ST' });
  }
  return rows;
}

export interface DatabaseOptions extends SeedOptions {
  clock?: SimClock;
  /** Where committed work is kept across restarts; without it everything lives in memory. */
  journal?: CommitJournal;
}

/** The committed state of the simulated system: what a database read would see. */
export class EccDatabase {
  readonly clock: SimClock;
  readonly client: string;
  /** Commits read back from the journal at start. */
  readonly recoveredCommits: number;
  private readonly tables = new Map<string, TableStore>();
  private readonly counters = new Map<string, number>();
  private readonly journal: CommitJournal | undefined;
  /** The rows written by the database transaction in progress, journaled together at its end. */
  private staged: CommittedWork['puts'] | undefined;

  constructor(options: DatabaseOptions) {
    this.clock = options.clock ?? new SimClock();
    this.client = options.client;
    const seeded = { ...customerGenerators(options), ...vendorGenerators(options) };
    for (const def of TABLES) {
      const generator = seeded[def.name as keyof typeof seeded];
      this.tables.set(def.name, generator ? new SeededTable(def, generator) : new MemoryTable(def));
    }
    this.counters.set('KUNNR', FIRST_CUSTOMER + options.customers);
    this.counters.set('LIFNR', FIRST_VENDOR + options.vendors);
    this.counters.set('EBELN', 4500000000);
    this.counters.set('CHANGENR', 1);
    this.loadStatic();
    this.recoveredCommits = options.journal?.recovered.length ?? 0;
    for (const work of options.journal?.recovered ?? []) this.replay(work);
    this.journal = options.journal;
  }

  /**
   * Runs `work` as one database transaction: its writes are visible at once and reach the journal
   * as one record when it ends, so a crash keeps all of them or none. A transaction inside another
   * joins it.
   */
  transaction<T>(work: () => T): T {
    if (this.staged) return work();
    this.staged = [];
    try {
      const result = work();
      if (this.staged.length > 0) this.journal?.append({ puts: this.staged, counters: Object.fromEntries(this.counters) });
      return result;
    } finally {
      this.staged = undefined;
    }
  }

  table(name: string): TableStore | undefined {
    return this.tables.get(name);
  }

  /** For code paths that name a table the simulator is known to have. */
  mustTable(name: string): TableStore {
    const t = this.tables.get(name);
    if (!t) throw new Error(`table ${name} is not defined in the simulator`);
    return t;
  }

  get(tableName: string, key: Row): Row | undefined {
    const t = this.mustTable(tableName);
    return t.get(rowKey(t.def, { MANDT: this.client, MANDANT: this.client, ...key }));
  }

  /** Writes a row; outside a transaction it is committed (and journaled) on its own. */
  put(tableName: string, row: Row): void {
    if (this.journal && !this.staged) {
      this.transaction(() => this.put(tableName, row));
      return;
    }
    const t = this.mustTable(tableName);
    const clientField = t.def.fields[0].name;
    const stored = { ...row, [clientField]: this.client };
    t.put(stored);
    this.staged?.push([tableName, stored]);
  }

  /** Draws the next number of a number range object; numbers drawn and not committed are lost, as in SAP. */
  next(range: 'KUNNR' | 'LIFNR' | 'EBELN' | 'CHANGENR' | `BELNR:${string}`): string {
    const start = range.startsWith('BELNR') ? 100000000 : 1;
    const value = this.counters.get(range) ?? start;
    this.counters.set(range, value + 1);
    return String(value).padStart(10, '0');
  }

  private replay(work: CommittedWork): void {
    for (const [tableName, row] of work.puts) this.mustTable(tableName).put(row);
    for (const [range, value] of Object.entries(work.counters)) this.counters.set(range, Math.max(value, this.counters.get(range) ?? 0));
  }

  private loadStatic(): void {
    for (const [name, rows] of Object.entries(STATIC_ROWS)) for (const row of rows) this.put(name, row);
    for (const row of materials()) {
      this.put('MARA', row);
      for (const werks of ['1000', '2000']) this.put('MARC', { MATNR: row.MATNR, WERKS: werks, EKGRP: '001' });
    }
    for (const [saknr, xbilk, mitkz] of GL_ACCOUNTS) {
      this.put('SKA1', { KTOPL: 'INT', SAKNR: saknr, XBILK: xbilk, SAKAN: saknr.replace(/^0+/, ''), ERDAT: '20100101', ERNAM: 'MIGRATION', KTOKS: xbilk ? 'BS' : 'PL' });
      for (const bukrs of ['1000', '2000']) {
        this.put('SKB1', { BUKRS: bukrs, SAKNR: saknr, ERDAT: '20100101', ERNAM: 'MIGRATION', MITKZ: mitkz, WAERS: bukrs === '1000' ? 'EUR' : 'USD', XOPVW: mitkz ? '' : 'X' });
      }
    }
  }
}

export { TABLE_BY_NAME };
