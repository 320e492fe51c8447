import { expect } from 'chai';
import type { Client } from '../client/rfc-client.js';
import type { RfcObject } from '../protocol/messages.js';
import { rejection, SimFixture, table } from '../testing/sim-fixture.js';

function read(c: Client, params: RfcObject, fm = 'RFC_READ_TABLE'): Promise<RfcObject> {
  return c.call(fm, params);
}

const opts = (...lines: string[]): RfcObject[] => lines.map((TEXT) => ({ TEXT }));
const flds = (...names: string[]): RfcObject[] => names.map((FIELDNAME) => ({ FIELDNAME }));

describe('RFC_READ_TABLE and friends (sim-sap-ecc process)', () => {
  const fx = new SimFixture();
  let c: Client;
  before(async () => {
    await fx.start();
    c = await fx.client();
  });
  after(() => fx.stop());

  it('describes the selected fields with offsets that include the delimiter, and lays rows out by them', async () => {
    const r = await read(c, { QUERY_TABLE: 'KNKK', DELIMITER: ';', FIELDS: flds('KUNNR', 'KKBER', 'KLIMK'), OPTIONS: opts("KUNNR = '0000100000'") });
    expect(table(r, 'FIELDS')).to.deep.equal([
      { FIELDNAME: 'KUNNR', OFFSET: '000000', LENGTH: '000010', TYPE: 'C', FIELDTEXT: 'Customer Number' },
      { FIELDNAME: 'KKBER', OFFSET: '000011', LENGTH: '000004', TYPE: 'C', FIELDTEXT: 'Credit control area' },
      { FIELDNAME: 'KLIMK', OFFSET: '000016', LENGTH: '000015', TYPE: 'P', FIELDTEXT: "Customer's credit limit" },
    ]);
    const [row] = table(r, 'DATA').map((d) => String(d.WA));
    expect(row.slice(0, 10)).to.equal('0000100000');
    expect(row.slice(11, 15)).to.equal('1000');
    expect(row.slice(16, 31).trim()).to.match(/^\d+\.\d{2}$/);
  });

  it('raises DATA_BUFFER_EXCEEDED when the selected width plus delimiters passes 512', async () => {
    // CDPOS: VALUE_NEW and VALUE_OLD are CHAR 254 each: 508 characters, plus one delimiter = 509.
    const fits = await read(c, { QUERY_TABLE: 'CDPOS', DELIMITER: '|', FIELDS: flds('VALUE_NEW', 'VALUE_OLD', 'CHNGIND'), NO_DATA: 'X' });
    expect(table(fits, 'FIELDS').map((f) => f.OFFSET)).to.deep.equal(['000000', '000255', '000510']);
    const over = await rejection(read(c, { QUERY_TABLE: 'CDPOS', DELIMITER: '|', FIELDS: flds('VALUE_NEW', 'VALUE_OLD', 'FNAME') }));
    expect(over).to.include({ name: 'ABAPError', code: 5, codeString: 'RFC_ABAP_EXCEPTION', key: 'DATA_BUFFER_EXCEEDED' });
    const all = await rejection(read(c, { QUERY_TABLE: 'KNA1', DELIMITER: '|' }));
    expect(all.key).to.equal('DATA_BUFFER_EXCEEDED');
  });

  it('shows unset DATS and NUMC fields with their initial values, not blanks', async () => {
    const r = await read(c, { QUERY_TABLE: 'KNKK', DELIMITER: '|', FIELDS: flds('KUNNR', 'DTREV'), OPTIONS: opts("KUNNR = '0000100001'") });
    expect(table(r, 'DATA').map((d) => d.WA)).to.deep.equal(['0000100001|00000000']);
  });

  it('reads all fields when FIELDS is empty and the table is narrow enough', async () => {
    const r = await read(c, { QUERY_TABLE: 'T001', OPTIONS: opts("BUKRS = '1000'") });
    expect(table(r, 'FIELDS').map((f) => f.FIELDNAME)).to.deep.equal(['MANDT', 'BUKRS', 'BUTXT', 'ORT01', 'LAND1', 'WAERS', 'SPRAS', 'KTOPL', 'PERIV']);
    expect(table(r, 'DATA')).to.have.length(1);
  });

  it('evaluates the WHERE subset across OPTIONS lines: IN, BETWEEN, LIKE, OR and parentheses', async () => {
    const r = await read(c, {
      QUERY_TABLE: 'KNA1', DELIMITER: '|', FIELDS: flds('KUNNR', 'LAND1', 'NAME1'),
      OPTIONS: opts("KUNNR BETWEEN '0000100000' AND '0000100199'", "AND ( LAND1 IN ('FR', 'IT') OR NAME1 LIKE 'Nord%' )"),
    });
    const data = table(r, 'DATA').map((d) => String(d.WA).split('|').map((s) => s.trim()));
    expect(data.length).to.be.greaterThan(0);
    for (const [kunnr, land1, name1] of data) {
      expect(kunnr >= '0000100000' && kunnr <= '0000100199').to.equal(true);
      expect(['FR', 'IT'].includes(land1) || name1.startsWith('Nord')).to.equal(true);
    }
    expect(data.map((d) => d[0])).to.deep.equal([...data.map((d) => d[0])].sort());
  });

  it('applies no ALPHA conversion: an unpadded customer number matches nothing', async () => {
    const r = await read(c, { QUERY_TABLE: 'KNA1', FIELDS: flds('KUNNR'), OPTIONS: opts("KUNNR = '100000'") });
    expect(table(r, 'DATA')).to.deep.equal([]);
  });

  it('pages by ROWSKIPS/ROWCOUNT without a stable order unless the key is restricted', async () => {
    const page = async (): Promise<string[]> =>
      table(await read(c, { QUERY_TABLE: 'KNA1', FIELDS: flds('KUNNR'), ROWSKIPS: 0, ROWCOUNT: 5 }), 'DATA').map((d) => String(d.WA));
    const pages = new Set<string>();
    for (let i = 0; i < 5; i++) pages.add((await page()).join(','));
    expect(pages.size).to.be.greaterThan(1);
    const keyed = await read(c, { QUERY_TABLE: 'KNA1', FIELDS: flds('KUNNR'), OPTIONS: opts("KUNNR > '0000100010'"), ROWSKIPS: 2, ROWCOUNT: 3 });
    expect(table(keyed, 'DATA').map((d) => d.WA)).to.deep.equal(['0000100013', '0000100014', '0000100015']);
  });

  it('raises the documented exceptions', async () => {
    expect((await rejection(read(c, { QUERY_TABLE: 'ZNOPE' }))).key).to.equal('TABLE_NOT_AVAILABLE');
    expect((await rejection(read(c, { QUERY_TABLE: 'USR02', FIELDS: flds('BNAME') }))).key).to.equal('NOT_AUTHORIZED');
    expect((await rejection(read(c, { QUERY_TABLE: 'T001', FIELDS: flds('NOPE') }))).key).to.equal('FIELD_NOT_VALID');
    expect((await rejection(read(c, { QUERY_TABLE: 'T001', OPTIONS: opts('BUKRS = = 1000') }))).key).to.equal('OPTION_NOT_VALID');
    expect((await rejection(read(c, { QUERY_TABLE: 'T001', OPTIONS: opts("NOPE = 'X'") }))).key).to.equal('OPTION_NOT_VALID');
  });

  it('cuts an OPTIONS line at 72 characters, as the TEXT field does', async () => {
    const long = `BUKRS = '1000' ${' '.repeat(60)}AND LAND1 = 'US'`;
    const r = await read(c, { QUERY_TABLE: 'T001', FIELDS: flds('BUKRS'), OPTIONS: opts(long) });
    expect(table(r, 'DATA').map((d) => d.WA)).to.deep.equal(['1000']);
  });

  it('BBP_RFC_READ_TABLE has the same interface and limit', async () => {
    const r = await read(c, { QUERY_TABLE: 'T001W', FIELDS: flds('WERKS'), OPTIONS: opts("LAND1 = 'DE'") }, 'BBP_RFC_READ_TABLE');
    expect(table(r, 'DATA').map((d) => d.WA).sort()).to.deep.equal(['1000', '1100']);
    expect((await rejection(read(c, { QUERY_TABLE: 'KNA1' }, 'BBP_RFC_READ_TABLE'))).key).to.equal('DATA_BUFFER_EXCEEDED');
  });

  it('/BODS/RFC_READ_TABLE2 returns wide rows in the TBLOUT table named by OUT_TABLE', async () => {
    const r = await read(c, { QUERY_TABLE: 'CDPOS', DELIMITER: '|', OPTIONS: opts("OBJECTCLAS = 'KRED'") }, '/BODS/RFC_READ_TABLE2');
    expect(r.OUT_TABLE).to.equal('TBLOUT2048');
    expect(table(r, 'TBLOUT2048')).to.be.an('array');
    const narrow = await read(c, { QUERY_TABLE: 'T001', FIELDS: flds('BUKRS', 'BUTXT') }, '/BODS/RFC_READ_TABLE2');
    expect(narrow.OUT_TABLE).to.equal('TBLOUT128');
    expect(table(narrow, 'TBLOUT128')).to.have.length(2);
  });
});

describe('a system without the wide table read (--no-wide-read)', () => {
  const fx = new SimFixture(['--no-wide-read']);
  before(() => fx.start());
  after(() => fx.stop());

  it('answers /BODS/RFC_READ_TABLE2 with FU_NOT_FOUND', async () => {
    const c = await fx.client();
    const err = await rejection(c.call('/BODS/RFC_READ_TABLE2', { QUERY_TABLE: 'T001' }));
    expect(err).to.include({ code: 5, key: 'FU_NOT_FOUND', abapMsgClass: 'FL', abapMsgNumber: '046', abapMsgV1: '/BODS/RFC_READ_TABLE2' });
  });
});
