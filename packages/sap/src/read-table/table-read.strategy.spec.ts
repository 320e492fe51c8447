import { TunnelError } from '@mlc/tunnel';
import { expect } from 'chai';
import { withConnection } from '../rfc-connector.js';
import { SimPoolFixture } from '../testing/sim-pool.fixture.js';
import type { ConvertedRow } from './wa-parser.js';
import { TableReadStrategy, type TableReadRequest, type TableReadSummary } from './table-read.strategy.js';

const KNA1_FIELDS = ['KUNNR', 'LAND1', 'NAME1', 'NAME2', 'ORT01', 'PSTLZ', 'REGIO', 'SORTL', 'STRAS', 'TELF1', 'TELFX', 'XCPDK', 'ADRNR', 'ANRED', 'AUFSD', 'BRSCH', 'ERDAT', 'ERNAM', 'KTOKD', 'LIFNR', 'LOEVM', 'SPERR', 'SPRAS', 'STCD1', 'STCEG'];

const CDPOS_KEY = ['OBJECTCLAS', 'OBJECTID', 'CHANGENR', 'TABNAME', 'TABKEY', 'FNAME', 'CHNGIND'];
const CDPOS_FIELDS = [...CDPOS_KEY, 'TEXT_CASE', 'UNIT_OLD', 'UNIT_NEW', 'CUKY_OLD', 'CUKY_NEW', 'VALUE_NEW', 'VALUE_OLD'];

async function readAll(fixture: SimPoolFixture, strategy: TableReadStrategy, request: TableReadRequest): Promise<{ rows: ConvertedRow[]; summary: TableReadSummary; calls: string[] }> {
  return withConnection(fixture.pool, undefined, async (connection) => {
    const calls: string[] = [];
    const spy = { alive: true, ping: () => connection.ping(), cancel: () => connection.cancel(), call: (fm: string, params: Record<string, unknown>) => {
      calls.push(`${fm} ${JSON.stringify(params['OPTIONS'] ?? [])} ${String(params['ROWSKIPS'] ?? '')}`);
      return connection.call(fm, params);
    } };
    const rows: ConvertedRow[] = [];
    const pages = strategy.read(spy, request);
    for (;;) {
      const next = await pages.next();
      if (next.done) return { rows, summary: next.value, calls };
      rows.push(...next.value.rows());
    }
  });
}

describe('TableReadStrategy (RFC_READ_TABLE against the simulator)', function () {
  const wide = new SimPoolFixture(['--customers', '2500', '--seed', '7']);
  const classic = new SimPoolFixture(['--customers', '2500', '--seed', '7', '--no-wide-read']);
  before(() => Promise.all([wide.start(), classic.start()]));
  after(() => Promise.all([wide.stop(), classic.stop()]));

  it('reads every row of a table wider than 512 characters once, in key order, with the wide read', async () => {
    const { rows, summary } = await readAll(wide, new TableReadStrategy(), { table: 'KNA1', fields: [], keyFields: ['KUNNR'], pageSize: 1000 });
    expect(summary).to.include({ rows: 2500, pages: 3, mode: 'wide', truncated: false });
    const keys = rows.map((r) => String(r['KUNNR']));
    expect(new Set(keys).size).to.equal(2500);
    expect([...keys].sort()).to.deep.equal(keys);
  });

  it('without the wide read, reads the same rows through RFC_READ_TABLE', async () => {
    const request: TableReadRequest = { table: 'KNA1', fields: KNA1_FIELDS, keyFields: ['KUNNR'], pageSize: 700 };
    const classicRead = await readAll(classic, new TableReadStrategy(), request);
    const wideRead = await readAll(wide, new TableReadStrategy(), request);
    expect(classicRead.summary.mode).to.equal('split');
    expect(classicRead.rows).to.have.length(2500);
    expect(classicRead.rows).to.deep.equal(wideRead.rows);
    expect(classicRead.rows[0]).to.have.all.keys(...KNA1_FIELDS);
  });

  it('without the wide read, splits fields wider than 512 characters into groups and joins them by key', async () => {
    for (const fixture of [wide, classic]) {
      for (let i = 0; i < 20; i += 1) await fixture.admin('PATCH', `/customers/${String(100100 + i).padStart(10, '0')}`, { KNA1: { NAME1: `Renamed ${i}`, NAME2: `Second ${i}` } });
    }
    const request: TableReadRequest = { table: 'CDPOS', fields: CDPOS_FIELDS, keyFields: CDPOS_KEY, pageSize: 15 };
    const split = await readAll(classic, new TableReadStrategy(), request);
    const direct = await readAll(wide, new TableReadStrategy(), request);
    expect(split.summary.fieldGroups).to.equal(2);
    expect(split.rows.length).to.be.at.least(40);
    expect(split.rows).to.deep.equal(direct.rows);
    expect(split.rows.some((r) => String(r['VALUE_NEW']).startsWith('Renamed') && String(r['VALUE_OLD']) !== '')).to.equal(true);
  });

  it('without the wide read, asks for the field list when all fields of a wide table are wanted', async () => {
    const err = await readAll(classic, new TableReadStrategy(), { table: 'KNA1', fields: [], keyFields: ['KUNNR'] }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(TunnelError);
    expect((err as TunnelError).code).to.equal('INVALID_ARGUMENT');
    expect((err as TunnelError).detail['field']).to.equal('fields');
  });

  it('probes for the wide read once per system and remembers', async () => {
    const strategy = new TableReadStrategy();
    const first = await readAll(classic, strategy, { table: 'T001', fields: [], keyFields: ['BUKRS'] });
    const second = await readAll(classic, strategy, { table: 'T001', fields: [], keyFields: ['BUKRS'] });
    expect(first.calls.filter((c) => c.startsWith('/BODS/'))).to.have.length(1);
    expect(second.calls.filter((c) => c.startsWith('/BODS/'))).to.have.length(0);
  });

  it('pages by key range in OPTIONS lines of at most 72 characters, never ROWSKIPS', async () => {
    const { calls, rows } = await readAll(classic, new TableReadStrategy(), {
      table: 'KNA1', fields: ['KUNNR', 'NAME1', 'LAND1'], keyFields: ['KUNNR'], pageSize: 400,
      where: "LAND1 IN ('DE','FR','US','GB','IT','ES','NL','BE','AT','CH','PL','CZ','SE','DK') AND KTOKD = '0001'",
    });
    const reads = calls.filter((c) => c.startsWith('RFC_READ_TABLE'));
    expect(reads.some((c) => c.includes("KUNNR > '"))).to.equal(true);
    for (const call of reads) {
      expect(call.endsWith(' ')).to.equal(true); // no ROWSKIPS
      const options = JSON.parse(call.slice('RFC_READ_TABLE '.length).trim()) as Array<{ TEXT: string }>;
      for (const line of options) expect(line.TEXT.length).to.be.at.most(72);
    }
    expect(rows.length).to.be.greaterThan(400);
    expect(rows.every((r) => ['DE', 'FR', 'US', 'GB', 'IT', 'ES', 'NL', 'BE', 'AT', 'CH', 'PL', 'CZ', 'SE', 'DK'].includes(String(r['LAND1'])))).to.equal(true);
  });

  it('pages a composite-key table without losing or repeating rows', async () => {
    const { rows } = await readAll(classic, new TableReadStrategy(), { table: 'KNB1', fields: ['KUNNR', 'BUKRS', 'ZTERM'], keyFields: ['KUNNR', 'BUKRS'], pageSize: 333 });
    const keys = rows.map((r) => `${String(r['KUNNR'])}/${String(r['BUKRS'])}`);
    expect(keys).to.have.length(2500);
    expect(new Set(keys).size).to.equal(2500);
  });

  it('converts dates, packed numbers and ALPHA keys', async () => {
    const { rows } = await readAll(classic, new TableReadStrategy(), {
      table: 'KNKK', fields: ['KUNNR', 'KKBER', 'KLIMK', 'ERDAT', 'DTREV'], keyFields: ['KUNNR', 'KKBER'], alphaFields: ['KUNNR'], maxRows: 5,
    });
    expect(rows).to.have.length(5);
    expect(rows[0]['KUNNR']).to.equal('100000');
    expect(String(rows[0]['ERDAT'])).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(rows[0]['DTREV']).to.equal(null);
    expect(String(rows[0]['KLIMK'])).to.match(/^\d+\.\d{2}$/);
  });

  it('stops at maxRows and says whether more rows were there', async () => {
    const capped = await readAll(classic, new TableReadStrategy(), { table: 'KNA1', fields: ['KUNNR'], keyFields: ['KUNNR'], pageSize: 100, maxRows: 250 });
    expect(capped.summary).to.include({ rows: 250, truncated: true });
    const exact = await readAll(classic, new TableReadStrategy(), { table: 'KNA1', fields: ['KUNNR'], keyFields: ['KUNNR'], pageSize: 100, maxRows: 2500 });
    expect(exact.summary).to.include({ rows: 2500, truncated: false });
  });
});
