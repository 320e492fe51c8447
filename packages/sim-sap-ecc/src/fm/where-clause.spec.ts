import { expect } from 'chai';
import { TABLE_BY_NAME } from '../ddic/tables.ddic.js';
import type { Row } from '../store/table-store.js';
import { compileWhere, WhereError } from './where-clause.js';

const ekpo = TABLE_BY_NAME.get('EKPO')!;
const kna1 = TABLE_BY_NAME.get('KNA1')!;

describe('compileWhere (RFC_READ_TABLE OPTIONS)', () => {
  const row: Row = { MANDT: '100', EBELN: '4500000001', EBELP: '00010', MATNR: 'SIM-PUMP-01', MENGE: '5.000', NETPR: '12.50' };

  it('converts literals to the column type, as Open SQL does', () => {
    expect(compileWhere(ekpo, "EBELP = '10'").test(row)).to.equal(true);
    expect(compileWhere(ekpo, 'MENGE > 4.5').test(row)).to.equal(true);
    expect(compileWhere(ekpo, "MENGE >= '5'").test(row)).to.equal(true);
    expect(compileWhere(ekpo, "NETPR LT '12.5'").test(row)).to.equal(false);
  });

  it('supports LIKE, NOT LIKE, IN, NOT IN, BETWEEN, NOT and parentheses', () => {
    expect(compileWhere(ekpo, "MATNR LIKE 'SIM-%-0_'").test(row)).to.equal(true);
    expect(compileWhere(ekpo, "MATNR NOT LIKE 'SIM%'").test(row)).to.equal(false);
    expect(compileWhere(ekpo, "EBELP IN ('00020', '00010')").test(row)).to.equal(true);
    expect(compileWhere(ekpo, "EBELP NOT IN ('00010')").test(row)).to.equal(false);
    expect(compileWhere(ekpo, "EBELP BETWEEN '00005' AND '00015' AND NOT ( MENGE = 1 OR MENGE = 2 )").test(row)).to.equal(true);
  });

  it('treats quotes doubled inside a literal as one quote', () => {
    expect(compileWhere(kna1, "NAME1 = 'O''Brien Ltd'").test({ NAME1: "O'Brien Ltd" })).to.equal(true);
  });

  it('reports a keyed range only for an ANDed condition on the leading key field', () => {
    expect(compileWhere(kna1, "KUNNR >= '0000100000' AND LAND1 = 'DE'").keyed).to.equal(true);
    expect(compileWhere(kna1, "KUNNR >= '0000100000' OR LAND1 = 'DE'").keyed).to.equal(false);
    expect(compileWhere(kna1, "LAND1 = 'DE'").keyed).to.equal(false);
    // Parenthesized AND-ed groups are optimized like the bare conditions; an OR inside one confines nothing.
    expect(compileWhere(kna1, "( LAND1 = 'DE' ) AND ( KUNNR >= ' ' )").keyed).to.equal(true);
    expect(compileWhere(kna1, "( KUNNR >= '0000100000' ) AND ( LAND1 = 'DE' OR KUNNR = '0000100001' )").range).to.deep.equal({ low: '0000100000' });
    expect(compileWhere(kna1, "( KUNNR = '0000100001' OR LAND1 = 'DE' )").keyed).to.equal(false);
  });

  it('derives the leading-key range from ANDed top-level conditions only', () => {
    expect(compileWhere(kna1, "KUNNR >= '0000100010' AND KUNNR < '0000100020' AND LAND1 = 'DE'").range).to.deep.equal({ low: '0000100010', high: '0000100020' });
    expect(compileWhere(kna1, "KUNNR BETWEEN '0000100010' AND '0000100020' AND KUNNR > '0000100015'").range).to.deep.equal({ low: '0000100015', high: '0000100020' });
    expect(compileWhere(kna1, "KUNNR IN ('0000100030', '0000100001')").range).to.deep.equal({ low: '0000100001', high: '0000100030' });
    expect(compileWhere(kna1, "KUNNR = '0000100001' OR KUNNR = '0000100900'").range).to.deep.equal({});
    expect(compileWhere(kna1, "NOT KUNNR = '0000100001'").range).to.deep.equal({});
  });

  it('rejects unknown columns, operators and dangling conditions', () => {
    expect(() => compileWhere(kna1, "NOPE = 'X'")).to.throw(WhereError);
    expect(() => compileWhere(kna1, "LAND1 == 'X'")).to.throw(WhereError);
    expect(() => compileWhere(kna1, "LAND1 = 'X' AND")).to.throw(WhereError);
    expect(() => compileWhere(kna1, "( LAND1 = 'X'")).to.throw(WhereError);
  });
});
