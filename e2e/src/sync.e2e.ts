import { expect } from 'chai';
import { eventually, SyncStack } from './harness/sync-stack.js';

type Json = Record<string, unknown>;

const byField = (records: Json[], field: string, value: unknown): Json | undefined => records.find((r) => r[field] === value);

describe('sync flows: SAP ECC <-> Zoho CRM through relay and agent', () => {
  let stack: SyncStack;

  before(async () => {
    stack = await SyncStack.start({ customers: 200, vendors: 40 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('SAP customers -> Zoho Accounts: an initial load, then a delta that reads only what changed', async () => {
    const initial = await stack.enableFlow('sap-customers-to-zoho-accounts');
    expect(initial, JSON.stringify(initial)).to.include({ status: 'succeeded', succeeded: 200, dead: 0 });
    const accounts = await stack.zohoRecords('Accounts');
    expect(accounts).to.have.length(200);
    const first = byField(accounts, 'SAP_Customer_Number', '100000') as Json;
    const sapFirst = await stack.sapAdmin('GET', '/customers/0000100000');
    const kna1 = sapFirst['KNA1'] as Json;
    expect(first).to.include({ Account_Name: kna1['NAME1'], Billing_City: kna1['ORT01'], SAP_Credit_Status: 'OK' });
    expect(first['SAP_Credit_Limit']).to.be.a('number').and.to.be.greaterThan(0);
    expect(first['SAP_Payment_Terms']).to.match(/^(0001|ZB30|NT30)$/);

    // Two changes in SAP (as a user in SAP GUI): only those customers are read and written.
    await stack.sapAdmin('PATCH', '/customers/0000100007', { KNA1: { NAME1: 'Renamed in SAP GmbH' } });
    await stack.sapAdmin('PATCH', '/customers/0000100011', { KNA1: { ORT01: 'Bremen' } });
    const delta = await stack.runFlow('sap-customers-to-zoho-accounts');
    expect(delta, JSON.stringify(delta)).to.include({ status: 'succeeded', succeeded: 2, dead: 0 });
    expect(delta['sapRowsRead']).to.be.at.most(20);
    const after = await stack.zohoRecords('Accounts');
    expect(byField(after, 'SAP_Customer_Number', '100007')).to.include({ Account_Name: 'Renamed in SAP GmbH' });
    expect(byField(after, 'SAP_Customer_Number', '100011')).to.include({ Billing_City: 'Bremen' });

    // Every record has its journal: one entry per attempt, with the source, payload and correlation id.
    const found = await stack.api('GET', '/records?q=100007');
    const record = (found.body['records'] as Json[])[0] as Json;
    const detail = await stack.api('GET', `/records/${String(record['id'])}`);
    const journal = detail.body['journal'] as Json[];
    expect(journal.map((j) => j['outcome'])).to.deep.equal(['succeeded', 'succeeded']);
    expect((journal[1]?.['payload'] as Json)['Account_Name']).to.equal('Renamed in SAP GmbH');
    expect(journal[1]?.['correlationId']).to.be.a('string');
  });

  it('Zoho purchase orders -> SAP: created once, committed, number written back; an unlinked vendor is a dead letter until replayed', async () => {
    const vendorsRun = await stack.enableFlow('sap-vendors-zoho-vendors');
    expect(vendorsRun, JSON.stringify(vendorsRun)).to.include({ status: 'succeeded', dead: 0 });
    const vendors = await stack.zohoRecords('Vendors');
    expect(vendors).to.have.length(40);
    const vendor = byField(vendors, 'SAP_Vendor_Number', '300001') as Json;
    const product = await stack.zohoCreate('Products', { Product_Name: 'Pump', Product_Code: 'SIM-PUMP-01' });
    await stack.enableFlow('zoho-purchase-orders-to-sap', { materials: { Pump: 'SIM-PUMP-01' } });

    const poId = await stack.zohoCreate('Purchase_Orders', {
      Subject: 'Pumps for line 3', Vendor_Name: { id: vendor['id'] }, Due_Date: '2026-12-15',
      Purchase_Items: [{ Product_Name: { id: product }, Quantity: 4, List_Price: 120.5 }],
    });
    const written = await eventually('the SAP PO number written back to Zoho', async () => {
      const po = (await stack.zohoRecords('Purchase_Orders')).find((r) => r['id'] === poId);
      return typeof po?.['PO_Number'] === 'string' ? po : undefined;
    });
    const orders = (await stack.sapAdmin('GET', `/purchase-orders?ref=Z${poId.slice(-11)}`))['orders'] as Json[];
    expect(orders).to.have.length(1);
    expect((orders[0]?.['EKKO'] as Json)['EBELN']).to.equal(written['PO_Number']);
    expect((orders[0]?.['EKKO'] as Json)['LIFNR']).to.equal('0000300001');

    // A vendor Zoho has but SAP does not know yet: the PO waits in the dead letters with the reason.
    const stranger = await stack.zohoCreate('Vendors', { Vendor_Name: 'Not Yet In SAP AG', Country: 'Germany', City: 'Kassel' });
    await stack.api('PATCH', '/flows/sap-vendors-zoho-vendors', { enabled: false });
    const orphan = await stack.zohoCreate('Purchase_Orders', {
      Subject: 'Valves', Vendor_Name: { id: stranger }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 1, List_Price: 10 }],
    });
    const dead = await eventually('the PO with an unlinked vendor in the dead letters', async () => {
      const res = await stack.api('GET', `/records?q=${orphan}&status=dead`);
      return (res.body['records'] as Json[])[0];
    });
    expect(String(dead['deadReason'])).to.contain('is not linked to an SAP vendor');

    // The vendor flow creates it in SAP; replaying the PO then posts it.
    await stack.enableFlow('sap-vendors-zoho-vendors', {}, 3_600_000);
    const created = (await stack.zohoRecords('Vendors')).find((r) => r['id'] === stranger) as Json;
    const vendorRecord = (await stack.api('GET', `/records?q=${stranger}`)).body;
    expect(created['SAP_Vendor_Number'], JSON.stringify(vendorRecord)).to.match(/^\d+$/);
    const replay = await stack.api('POST', `/records/${String(dead['id'])}/replay`);
    expect(replay.status).to.equal(202);
    await eventually('the replayed PO posted to SAP', async () => {
      const po = (await stack.zohoRecords('Purchase_Orders')).find((r) => r['id'] === orphan);
      return typeof po?.['PO_Number'] === 'string' ? po : undefined;
    });
    const journal = (await stack.api('GET', `/records/${String(dead['id'])}`)).body['journal'] as Json[];
    expect(journal.map((j) => j['outcome'])).to.deep.equal(['dead', 'succeeded']);
  });
});
