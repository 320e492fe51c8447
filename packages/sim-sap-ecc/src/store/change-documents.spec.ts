import { expect } from 'chai';
import { messages, readTable, SimFixture } from '../testing/sim-fixture.js';

describe('change documents (CDHDR/CDPOS) for customers and vendors', () => {
  const fx = new SimFixture();
  before(() => fx.start());
  after(() => fx.stop());

  it('writes a KRED change document for a vendor change through the vendor FM, at commit only', async () => {
    const c = await fx.client();
    const r = await c.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300100', IS_LFA1: { NAME1: 'Renamed Supplier GmbH', TELF1: '+49 40 123' } });
    expect(messages(r)).to.deep.equal(['S ZMLC_VENDOR 001 Vendor 0000300100 changed']);
    expect(await readTable(c, 'CDHDR', ["OBJECTCLAS = 'KRED' AND OBJECTID = '0000300100'"], ['CHANGENR'])).to.deep.equal([]);
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    const [head] = await readTable(c, 'CDHDR', ["OBJECTCLAS = 'KRED' AND OBJECTID = '0000300100'"], ['CHANGENR', 'USERNAME', 'TCODE', 'CHANGE_IND']);
    const [changenr, user, tcode, ind] = head.split('|').map((s) => s.trim());
    expect([user, tcode, ind]).to.deep.equal(['MLC_RFC', 'XK02', 'U']);
    const items = await readTable(c, 'CDPOS', [`OBJECTCLAS = 'KRED' AND CHANGENR = '${changenr}'`], ['TABNAME', 'FNAME', 'CHNGIND', 'VALUE_NEW']);
    expect(items.map((i) => i.split('|').map((s) => s.trim()).join('|')).sort()).to.deep.equal([
      'LFA1|NAME1|U|Renamed Supplier GmbH',
      'LFA1|TELF1|U|+49 40 123',
    ]);
    expect(await readTable(c, 'LFA1', ["LIFNR = '0000300100'"], ['NAME1'])).to.deep.equal(['Renamed Supplier GmbH']);
  });

  it('clears a field only where the X structure flags it: a blank alone means "no change"', async () => {
    const c = await fx.client();
    await c.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300102', IS_LFA1: { TELF1: '+49 30 555' } });
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    await c.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300102', IS_LFA1: { NAME1: 'Kept Phone AG', TELF1: '' } });
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(c, 'LFA1', ["LIFNR = '0000300102'"], ['TELF1'])).to.deep.equal(['+49 30 555']);
    const r = await c.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300102', IS_LFA1: { TELF1: '' }, IS_LFA1X: { TELF1: 'X' } });
    expect(messages(r)).to.deep.equal(['S ZMLC_VENDOR 001 Vendor 0000300102 changed']);
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect((await readTable(c, 'LFA1', ["LIFNR = '0000300102'"], ['TELF1', 'NAME1'])).map((row) => row.split('|').map((f) => f.trim()))).to.deep.equal([['', 'Kept Phone AG']]);
  });

  it('creates a vendor through the vendor FM with an insert change document and a new number', async () => {
    const c = await fx.client();
    const r = await c.call('Z_MLC_VENDOR_MAINTAIN', {
      IS_LFA1: { NAME1: 'New Vendor Ltd', LAND1: 'GB', ORT01: 'London', KTOKK: 'KRED' },
      IS_LFB1: { BUKRS: '1000', AKONT: '0000160000', ZTERM: '0001' },
      IS_LFM1: { EKORG: '1000', WAERS: 'GBP' },
    });
    const lifnr = String(r.E_LIFNR);
    expect(lifnr).to.match(/^\d{10}$/);
    expect(r.E_CREATED).to.equal('X');
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    const [head] = await readTable(c, 'CDHDR', [`OBJECTCLAS = 'KRED' AND OBJECTID = '${lifnr}'`], ['TCODE', 'CHANGE_IND']);
    expect(head.split('|').map((s) => s.trim())).to.deep.equal(['XK01', 'I']);
    const cdpos = await readTable(c, 'CDPOS', [`OBJECTCLAS = 'KRED' AND OBJECTID = '${lifnr}'`], ['TABNAME', 'FNAME', 'CHNGIND']);
    expect(cdpos.map((i) => i.replace(/ +\|/g, '|')).sort()).to.deep.equal(['LFA1|KEY|I', 'LFB1|KEY|I', 'LFM1|KEY|I']);
  });

  it('writes nothing when the vendor FM work is rolled back', async () => {
    const c = await fx.client();
    await c.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300101', IS_LFA1: { NAME1: 'Never saved' } });
    await c.call('BAPI_TRANSACTION_ROLLBACK', {});
    expect(await readTable(c, 'CDHDR', ["OBJECTCLAS = 'KRED' AND OBJECTID = '0000300101'"], ['CHANGENR'])).to.deep.equal([]);
  });

  it('writes a DEBI change document for a customer changed through the admin API (as in XD02)', async () => {
    const res = await fx.admin('PATCH', '/customers/0000100200', { KNA1: { ORT01: 'Bremen' }, KNKK: { KKBER: '1000', KLIMK: '250000' } });
    expect(res.status).to.equal(200);
    const c = await fx.client();
    const [head] = await readTable(c, 'CDHDR', ["OBJECTCLAS = 'DEBI' AND OBJECTID = '0000100200'"], ['CHANGENR', 'USERNAME', 'TCODE']);
    const [changenr, user, tcode] = head.split('|').map((s) => s.trim());
    expect([user, tcode, changenr]).to.deep.equal(['SIMADMIN', 'XD02', res.body.changeNumber]);
    const items = await readTable(c, 'CDPOS', [`CHANGENR = '${changenr}'`], ['TABNAME', 'FNAME', 'VALUE_NEW']);
    expect(items.map((i) => i.replace(/ +\|/g, '|'))).to.deep.include.members(['KNA1|ORT01|Bremen', 'KNKK|KLIMK|250000.00']);
    expect(await readTable(c, 'KNKK', ["KUNNR = '0000100200'"], ['KLIMK'])).to.deep.equal(['     250000.00']);
  });

  it('creates a customer through the admin API with the next number', async () => {
    const res = await fx.admin('POST', '/customers', { KNA1: { NAME1: 'Admin Created AG', LAND1: 'DE', ORT01: 'Kiel' }, KNB1: { BUKRS: '1000', AKONT: '0000140000' } });
    expect(res.status).to.equal(201);
    const kunnr = String(res.body.KUNNR);
    const docs = await fx.admin('GET', `/change-documents?objectClass=DEBI&objectId=${kunnr}`);
    expect((docs.body.documents as unknown[]).length).to.equal(1);
    const bad = await fx.admin('POST', '/customers', { KNA1: { NAME1: 'No country' } });
    expect(bad.status).to.equal(400);
  });
});
