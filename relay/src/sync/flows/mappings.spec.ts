import { expect } from 'chai';
import { parseFlowConfig } from '../flow-config.js';
import { RecordRejected } from '../record-failure.js';
import { invoiceDocumentParams } from './invoice.mapping.js';
import { purchaseOrderParams } from './purchase-order.mapping.js';
import { zohoShortKey } from './sap-values.js';

type Rows = Array<Record<string, string>>;

describe('Zoho -> SAP document mappings', () => {
  it('a purchase order: REF_1 carries the short key, every given field is X-flagged, dates in DD.MM.YYYY', () => {
    const config = parseFlowConfig('zoho-purchase-orders-to-sap', { materials: { Pump: '400001' } });
    const params = purchaseOrderParams({ id: '5725767000001000123', Due_Date: '2026-12-15', Purchase_Items: [{ Product_Name: { id: '1', name: 'Pump' }, Quantity: 4, List_Price: 120.5 }] }, '300001', config, '2026-11-23');
    expect(params['POHEADER']).to.include({ VENDOR: '0000300001', REF_1: 'Z00001000123', COMP_CODE: '1000' });
    expect(zohoShortKey('5725767000001000123')).to.equal('Z00001000123');
    expect((params['POITEM'] as Rows)[0]).to.include({ PO_ITEM: '00010', MATERIAL: '000000000000400001', QUANTITY: '4', NET_PRICE: '120.5' });
    expect((params['POITEMX'] as Rows)[0]).to.include({ PO_ITEM: '00010', PO_ITEMX: 'X', MATERIAL: 'X' });
    expect((params['POSCHEDULE'] as Rows)[0]).to.include({ DELIVERY_DATE: '15.12.2026' });
  });

  it('a purchase order with an unmapped product is rejected naming the config to fix', () => {
    const config = parseFlowConfig('zoho-purchase-orders-to-sap', {});
    expect(() => purchaseOrderParams({ id: '1', Purchase_Items: [{ Product_Name: { id: '9', name: 'Gadget' }, Quantity: 1 }] }, '300001', config, '2026-11-23'))
      .to.throw(RecordRejected, 'config.materials');
  });

  it('an invoice balances to the cent: customer debit = net credit + tax credit', () => {
    const config = parseFlowConfig('zoho-invoices-to-sap-gl', { taxCodes: { VAT: { taxCode: 'A1', glAccount: '154000' } } });
    const params = invoiceDocumentParams({ id: '5725767000001000777', Subject: 'Hours', Invoiced_Items: [{ Quantity: 3, List_Price: 33.33, Total: 99.99, Tax: 19 }] }, '100003', config, '2026-11-23');
    const amounts = (params['CURRENCYAMOUNT'] as Rows).map((a) => Number(a['AMT_DOCCUR']));
    expect(amounts).to.deep.equal([118.99, -99.99, -19]);
    expect((params['ACCOUNTRECEIVABLE'] as Rows)[0]).to.include({ CUSTOMER: '0000100003' });
    expect(params['DOCUMENTHEADER']).to.include({ REF_DOC_NO: 'Z00001000777', PSTNG_DATE: '20261123' });
  });

  it('an invoice with tax but no tax code mapping is rejected before SAP sees it', () => {
    const config = parseFlowConfig('zoho-invoices-to-sap-gl', {});
    expect(() => invoiceDocumentParams({ id: '1', Invoiced_Items: [{ Quantity: 1, List_Price: 10, Tax: 1.9 }] }, '100003', config, '2026-11-23')).to.throw(RecordRejected, 'config.taxCodes');
  });
});
