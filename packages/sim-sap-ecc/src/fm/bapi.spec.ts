import { expect } from 'chai';
import type { Client } from '../client/rfc-client.js';
import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import { messages, poInput, readTable, SimFixture, table } from '../testing/sim-fixture.js';

describe('BAPIs (sim-sap-ecc process)', () => {
  const fx = new SimFixture();
  let c: Client;
  before(async () => {
    await fx.start();
    c = await fx.client();
  });
  afterEach(() => c.call('BAPI_TRANSACTION_ROLLBACK', {}));
  after(() => fx.stop());

  describe('BAPI_PO_CREATE1', () => {
    it('rejects an unknown vendor with BAPI 001 first and the cause after it', async () => {
      const r = await c.call('BAPI_PO_CREATE1', poInput('0000999999', 'V-MISSING'));
      expect(r.EXPPURCHASEORDER).to.equal('');
      expect(messages(r)).to.deep.equal([
        'E BAPI 001 No instance of object type PurchaseOrder has been created. External reference:',
        'E 06 042 Vendor 0000999999 does not exist',
        'E MEPO 002 PO header data still faulty',
      ]);
      expect(table(r, 'RETURN')[1]).to.include({ PARAMETER: 'POHEADER', FIELD: 'VENDOR', MESSAGE_V1: '0000999999', SYSTEM: 'ECSCLNT100' });
    });

    it('ignores header fields that POHEADERX does not flag, like the real BAPI', async () => {
      const input = poInput('0000300010', 'NO-X');
      const r = await c.call('BAPI_PO_CREATE1', { ...input, POHEADERX: { COMP_CODE: 'X', DOC_TYPE: 'X', PURCH_ORG: 'X', PUR_GROUP: 'X' } });
      expect(messages(r)).to.include('E ME 083 Enter Vendor');
    });

    it('checks materials in internal format and per plant', async () => {
      const unpadded = await c.call('BAPI_PO_CREATE1', poInput('0000300010', 'MAT-1', { material: '400001' }));
      expect(messages(unpadded)).to.include('E M3 305 The material 400001 does not exist or is not activated');
      const wrongPlant = await c.call('BAPI_PO_CREATE1', poInput('0000300010', 'MAT-2', { plant: '1100' }));
      expect(messages(wrongPlant)).to.include('E M3 351 Material 000000000000400001 is not maintained in plant 1100');
      expect(messages(wrongPlant)).to.include('E MEPO 001 Purchase order item 00010 still contains faulty data');
    });

    it('wants a schedule line with the delivery date in the user\'s external format (DD.MM.YYYY)', async () => {
      const internal = await c.call('BAPI_PO_CREATE1', poInput('0000300010', 'DATE-1', { deliveryDate: '20261215' }));
      expect(messages(internal)).to.include('E 00 065 Enter date in the format DD.MM.YYYY (item 00010)');
      const { POSCHEDULE: _s, POSCHEDULEX: _x, ...noSchedule } = poInput('0000300010', 'DATE-2');
      expect(messages(await c.call('BAPI_PO_CREATE1', noSchedule))).to.include('E ME 083 Enter Delivery date (item 00010)');
    });

    it('refuses a vendor blocked for purchasing', async () => {
      // Every vendor whose number is 13 modulo 97 is seeded with a purchasing block.
      const blocked = String(300000 + ((13 - (300000 % 97) + 97) % 97)).padStart(10, '0');
      const r = await c.call('BAPI_PO_CREATE1', poInput(blocked, 'BLOCKED'));
      expect(messages(r)).to.include(`E 06 339 Vendor ${blocked} is blocked for purchasing`);
    });

    it('TESTRUN checks without drawing a number or writing anything', async () => {
      const r = await c.call('BAPI_PO_CREATE1', poInput('0000300011', 'TESTRUN-1', { testrun: true }));
      expect(r.EXPPURCHASEORDER).to.equal('');
      expect(messages(r).filter((m) => m.startsWith('E'))).to.deep.equal([]);
      await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
      expect(await readTable(c, 'EKKO', ["IHREZ = 'TESTRUN-1'"], ['EBELN'])).to.deep.equal([]);
    });

    it('stores REF_1 in EKKO-IHREZ, cut to its 12 characters', async () => {
      const r = await c.call('BAPI_PO_CREATE1', poInput('0000300012', '3f2a9c1e-77b0-4c1d-9a51-0c2b8d7e6f10'));
      expect(messages(r)).to.deep.equal([`S 06 017 Standard PO created under the number ${String(r.EXPPURCHASEORDER)}`]);
      await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
      expect(await readTable(c, 'EKKO', [`EBELN = '${String(r.EXPPURCHASEORDER)}'`], ['IHREZ'])).to.deep.equal(['3f2a9c1e-77b']);
      const items = await readTable(c, 'EKPO', [`EBELN = '${String(r.EXPPURCHASEORDER)}'`], ['EBELP', 'MATNR', 'MENGE', 'NETPR']);
      expect(items).to.deep.equal(['00010|000000000000400001|       5.000 |     12.50']);
      const detail = await c.call('BAPI_PO_GETDETAIL1', { PURCHASEORDER: String(r.EXPPURCHASEORDER) });
      expect(table(detail, 'POSCHEDULE')[0]).to.include({ PO_ITEM: '00010', SCHED_LINE: '0001', DELIVERY_DATE: '15.12.2026', QUANTITY: '5.000' });
    });
  });

  describe('BAPI_ACC_DOCUMENT_POST', () => {
    const header = { USERNAME: 'MLC_RFC', COMP_CODE: '1000', DOC_DATE: '20261120', PSTNG_DATE: '20261120', DOC_TYPE: 'KR', HEADER_TXT: 'Zoho invoice', REF_DOC_NO: 'INV-0042' };
    const lines = (debit: string, credit: string): RfcObject => ({
      DOCUMENTHEADER: header,
      ACCOUNTGL: [{ ITEMNO_ACC: '0000000001', GL_ACCOUNT: '0000400000', ITEM_TEXT: 'Consumption', COSTCENTER: '0000001000' }],
      ACCOUNTPAYABLE: [{ ITEMNO_ACC: '0000000002', VENDOR_NO: '0000300020', BLINE_DATE: '20261120', PMNTTRMS: '0001' }],
      CURRENCYAMOUNT: [
        { ITEMNO_ACC: '0000000001', CURRENCY: 'EUR', AMT_DOCCUR: debit },
        { ITEMNO_ACC: '0000000002', CURRENCY: 'EUR', AMT_DOCCUR: credit },
      ],
    });

    it('refuses an unbalanced document (F5 702)', async () => {
      const r = await c.call('BAPI_ACC_DOCUMENT_POST', lines('100.00', '-99.99'));
      expect(messages(r)[0]).to.equal('E RW 609 Error in document: BKPFF $ ECSCLNT100');
      expect(messages(r)).to.include('E F5 702 Balance in transaction currency');
      expect(r.OBJ_KEY).to.equal('$');
    });

    it('posts a balanced document to BKPF/BSEG at commit', async () => {
      const r = await c.call('BAPI_ACC_DOCUMENT_POST', lines('100.00', '-100.00'));
      const key = String(r.OBJ_KEY);
      expect(key).to.match(/^\d{10}10002026$/);
      expect(messages(r)).to.deep.equal([`S RW 605 Document posted successfully: BKPFF ${key} ECSCLNT100`]);
      const belnr = key.slice(0, 10);
      expect(await readTable(c, 'BKPF', [`BELNR = '${belnr}'`], ['BELNR'])).to.deep.equal([]);
      await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
      expect(await readTable(c, 'BKPF', [`BELNR = '${belnr}'`], ['BUKRS', 'GJAHR', 'XBLNR'])).to.deep.equal(['1000|2026|INV-0042']);
      const bseg = await readTable(c, 'BSEG', [`BELNR = '${belnr}'`], ['BUZEI', 'BSCHL', 'SHKZG', 'DMBTR', 'HKONT', 'LIFNR']);
      expect(bseg).to.deep.equal([
        '001|40|S|      100.00 |0000400000|',
        '002|31|H|      100.00 |0000160000|0000300020',
      ]);
    });
  });

  describe('customer and vendor BAPIs', () => {
    it('BAPI_CUSTOMER_GETLIST selects by IDRANGE and honours MAXROWS', async () => {
      const r = await c.call('BAPI_CUSTOMER_GETLIST', { MAXROWS: 3, IDRANGE: [{ SIGN: 'I', OPTION: 'BT', LOW: '0000100100', HIGH: '0000100200' }] });
      expect(table(r, 'ADDRESSDATA').map((a) => a.CUSTOMER)).to.deep.equal(['0000100100', '0000100101', '0000100102']);
      const none = await c.call('BAPI_CUSTOMER_GETLIST', { IDRANGE: [{ SIGN: 'I', OPTION: 'EQ', LOW: '100100' }] });
      expect((none.RETURN as RfcStructure).NUMBER).to.equal('718');
    });

    it('BAPI_CUSTOMER_GETDETAIL2 and BAPI_VENDOR_GETDETAIL read the master data', async () => {
      const cust = await c.call('BAPI_CUSTOMER_GETDETAIL2', { CUSTOMERNO: '0000100005', COMPANYCODE: '1000' });
      const [kna1] = await readTable(c, 'KNA1', ["KUNNR = '0000100005'"], ['NAME1']);
      expect((cust.CUSTOMERADDRESS as RfcStructure).NAME).to.equal(kna1.trim());
      expect((cust.CUSTOMERCOMPANYDETAIL as RfcStructure).RECON_ACCOUNT).to.equal('0000140000');
      const vend = await c.call('BAPI_VENDOR_GETDETAIL', { VENDORNO: '0000300005', COMPANYCODE: '1000' });
      expect((vend.GENERALDETAIL as RfcStructure).VENDOR).to.equal('0000300005');
      const missing = await c.call('BAPI_VENDOR_GETDETAIL', { VENDORNO: '300005' });
      expect((missing.RETURN as RfcStructure).TYPE).to.equal('E');
    });
  });
});
