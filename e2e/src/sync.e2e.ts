import { expect } from 'chai';
import pg from 'pg';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELAY_CLI, runCli } from './harness/processes.js';
import { suiteDatabaseUrl } from './harness/suite-database.js';
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
    expect(initial, JSON.stringify(initial)).to.include({ status: 'succeeded', succeeded: 300, dead: 0 }); // 200 Accounts and 100 Contacts
    const accounts = await stack.zohoRecords('Accounts');
    expect(accounts).to.have.length(200);
    const first = byField(accounts, 'SAP_Customer_Number', '100000') as Json;
    const sapFirst = await stack.sapAdmin('GET', '/customers/0000100000');
    const kna1 = sapFirst['KNA1'] as Json;
    expect(first).to.include({ Account_Name: kna1['NAME1'], Billing_City: kna1['ORT01'], SAP_Credit_Status: 'OK' });
    expect(first['SAP_Credit_Limit']).to.be.a('number').and.to.be.greaterThan(0);
    expect(first['SAP_Payment_Terms']).to.match(/^(0001|ZB30|NT30)$/);
    // Every second customer has a contact person (KNVK): a Contact of its Account.
    const contacts = await stack.zohoRecords('Contacts');
    expect(contacts).to.have.length(100);
    const contact = byField(contacts, 'SAP_Contact_Number', '500000') as Json;
    expect((contact['Account_Name'] as Json)['id']).to.equal(first['id']);
    expect(contact['Last_Name']).to.be.a('string').and.not.equal('');

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

  it('a contact left pending (its write\'s answer lost) goes again with its customer on the next run', async () => {
    // As if the relay died after Zoho took the Contact but before the link knew: pending, no values.
    const db = new pg.Client({ connectionString: suiteDatabaseUrl() });
    await db.connect();
    try {
      const updated = await db.query(
        `UPDATE sync_link SET status = 'pending', synced_values = NULL WHERE tenant_id = $1 AND entity = 'contact' AND ltrim(sap_key, '0') = '500002' RETURNING id`,
        [stack.tenantId],
      );
      expect(updated.rowCount).to.equal(1);
      const run = await stack.runFlow('sap-customers-to-zoho-accounts');
      expect(run, JSON.stringify(run)).to.include({ status: 'succeeded', dead: 0 });
      const link = await db.query(`SELECT status FROM sync_link WHERE id = $1`, [updated.rows[0].id]);
      expect(link.rows[0]).to.deep.equal({ status: 'synced' });
      const detail = await stack.api('GET', `/records/${String(updated.rows[0].id)}`);
      const journal = detail.body['journal'] as Json[];
      expect(journal.map((j) => j['outcome'])).to.deep.equal(['succeeded', 'succeeded']);
      expect(journal[1]?.['source']).to.have.nested.property('KNVK.PARNR');
    } finally {
      await db.end();
    }
  });

  it('Zoho purchase orders -> SAP: created once, committed, number written back; an unlinked vendor is a dead letter until replayed', async () => {
    // A vendor kept by hand in both systems before the first sync: paired by name, not duplicated.
    const existing = (await stack.sapAdmin('GET', '/vendors/0000300010'))['LFA1'] as Json;
    const handKept = await stack.zohoCreate('Vendors', { Vendor_Name: ` ${String(existing['NAME1']).toUpperCase()} ` });
    const vendorsRun = await stack.enableFlow('sap-vendors-zoho-vendors');
    expect(vendorsRun, JSON.stringify(vendorsRun)).to.include({ status: 'succeeded', dead: 0 });
    const vendors = await stack.zohoRecords('Vendors');
    expect(vendors).to.have.length(40);
    expect(vendors.find((v) => v['id'] === handKept)).to.include({ SAP_Vendor_Number: '300010', Vendor_Name: existing['NAME1'] });
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

  it('SAP vendors <-> Zoho Vendors: edits on both sides in the same minute converge, and nothing echoes back', async () => {
    const vendor = (await stack.zohoRecords('Vendors')).find((r) => r['SAP_Vendor_Number'] === '300005') as Json;
    await stack.sapAdmin('PATCH', '/vendors/0000300005', { LFA1: { ORT01: 'Leipzig' } });
    const edited = await stack.zohoAdmin('PUT', `records/Vendors/${String(vendor['id'])}`, { Phone: '+49 30 555 0101' });
    expect(edited.status, JSON.stringify(edited.json)).to.equal(200);
    await eventually('both edits on both sides', async () => {
      await stack.runFlow('sap-vendors-zoho-vendors');
      const zoho = (await stack.zohoRecords('Vendors')).find((r) => r['id'] === vendor['id']) as Json;
      const sap = (await stack.sapAdmin('GET', '/vendors/0000300005'))['LFA1'] as Json;
      return zoho['City'] === 'Leipzig' && sap['TELF1'] === '+49 30 555 0101';
    });
    // Quiet now: further runs write nothing to either side (our own writes came back as no change).
    const writesBefore = await zohoWrites(stack, 'Vendors');
    const changesBefore = ((await stack.sapAdmin('GET', '/change-documents?objectClass=KRED&objectId=0000300005'))['documents'] as unknown[]).length;
    const quiet = await stack.runFlow('sap-vendors-zoho-vendors');
    expect(quiet, JSON.stringify(quiet)).to.include({ succeeded: 0, dead: 0 });
    expect(await zohoWrites(stack, 'Vendors')).to.equal(writesBefore);
    expect(((await stack.sapAdmin('GET', '/change-documents?objectClass=KRED&objectId=0000300005'))['documents'] as unknown[]).length).to.equal(changesBefore);
  });

  it('SAP vendors <-> Zoho Vendors: a field cleared in Zoho is cleared in SAP, and stays cleared on both sides', async () => {
    const vendor = (await stack.zohoRecords('Vendors')).find((r) => r['SAP_Vendor_Number'] === '300006') as Json;
    const phoneIn = async (): Promise<{ zoho: unknown; sap: unknown }> => ({
      zoho: ((await stack.zohoRecords('Vendors')).find((r) => r['id'] === vendor['id']) as Json)['Phone'] ?? null,
      sap: ((await stack.sapAdmin('GET', '/vendors/0000300006'))['LFA1'] as Json)['TELF1'],
    });
    await stack.zohoAdmin('PUT', `records/Vendors/${String(vendor['id'])}`, { Phone: '+49 89 777 0106' });
    await eventually('the phone in SAP', async () => {
      await stack.runFlow('sap-vendors-zoho-vendors');
      return (await phoneIn()).sap === '+49 89 777 0106';
    });
    const cleared = await stack.zohoAdmin('PUT', `records/Vendors/${String(vendor['id'])}`, { Phone: null });
    expect(cleared.status, JSON.stringify(cleared.json)).to.equal(200);
    await eventually('the phone cleared in SAP', async () => {
      await stack.runFlow('sap-vendors-zoho-vendors');
      return ['', undefined].includes((await phoneIn()).sap as string | undefined);
    });
    await stack.runFlow('sap-vendors-zoho-vendors');
    const after = await phoneIn();
    expect(after.zoho, 'SAP\'s old value does not come back to Zoho').to.equal(null);
    expect(['', undefined]).to.include(after.sap);
  });

  it('Zoho invoices -> SAP G/L: a balanced document with tax, posted once, its number written back', async () => {
    const account = (await stack.zohoRecords('Accounts')).find((r) => r['SAP_Customer_Number'] === '100003') as Json;
    const product = await stack.zohoCreate('Products', { Product_Name: 'Service hour' });
    await stack.enableFlow('zoho-invoices-to-sap-gl', { taxCodes: { VAT: { taxCode: 'A1', glAccount: '154000' } } });
    const invoiceId = await stack.zohoCreate('Invoices', {
      Subject: 'Maintenance November', Account_Name: { id: account['id'] }, Invoice_Date: '2026-11-20',
      Invoiced_Items: [{ Product_Name: { id: product }, Quantity: 3, List_Price: 100, Tax: 57 }],
    });
    const invoice = await eventually('the SAP document number written back to the invoice', async () => {
      const found = (await stack.zohoRecords('Invoices')).find((r) => r['id'] === invoiceId);
      return typeof found?.['SAP_Document_Number'] === 'string' ? found : undefined;
    });
    const reference = `Z${invoiceId.slice(-11)}`;
    const headers = (await stack.sapAdmin('GET', `/tables/BKPF?where=${encodeURIComponent(`XBLNR = '${reference}'`)}`))['rows'] as Json[];
    expect(headers).to.have.length(1);
    expect(headers[0]?.['BELNR']).to.equal(invoice['SAP_Document_Number']);
    const lines = (await stack.sapAdmin('GET', `/tables/BSEG?where=${encodeURIComponent(`BELNR = '${String(headers[0]?.['BELNR'])}'`)}`))['rows'] as Json[];
    expect(lines.map((l) => [l['KOART'], l['SHKZG'], Number(l['WRBTR'])])).to.have.deep.members([['D', 'S', 357], ['S', 'H', 300], ['S', 'H', 57]]);
  });

  it('SAP reference data -> a custom Zoho module: company codes, G/L accounts and payment terms', async () => {
    const module = await stack.zohoAdmin('POST', 'custom-modules', {
      api_name: 'SAP_Reference_Data',
      fields: [{ api_name: 'SAP_Reference_Key', unique: true }, { api_name: 'SAP_Type' }, { api_name: 'SAP_Key' }, { api_name: 'SAP_Company_Code' }, { api_name: 'SAP_Description' }],
    });
    expect(module.status).to.equal(201);
    const run = await stack.enableFlow('sap-reference-data-to-zoho', { companyCodes: ['1000'] });
    expect(run, JSON.stringify(run)).to.include({ status: 'succeeded', dead: 0 });
    const values = await stack.zohoRecords('SAP_Reference_Data');
    expect(values.find((v) => v['SAP_Reference_Key'] === 'company_code:1000')).to.include({ SAP_Type: 'company_code' });
    expect(values.filter((v) => v['SAP_Type'] === 'gl_account')).to.have.length(6);
    expect(values.filter((v) => v['SAP_Type'] === 'payment_terms').map((v) => v['SAP_Key'])).to.include('0001');
    const again = await stack.runFlow('sap-reference-data-to-zoho');
    expect(again).to.include({ succeeded: 0, skipped: values.length });
  });
});

describe('mlc-relay flows and records: fix a mapping, replay the failed records from the CLI', () => {
  let stack: SyncStack;
  const cli = (...args: string[]) => runCli(RELAY_CLI, args, { DATABASE_URL: suiteDatabaseUrl(), LOG_LEVEL: 'warn' });

  before(async () => {
    stack = await SyncStack.start({ customers: 10, vendors: 10 });
  });
  after(async () => {
    await stack?.stop();
  });

  it('a PO for an unmapped product is a dead letter naming the config field; after the fix, replay --all posts it', async () => {
    await stack.enableFlow('sap-vendors-zoho-vendors');
    const vendor = (await stack.zohoRecords('Vendors')).find((r) => r['SAP_Vendor_Number'] === '300002') as Json;
    const invalid = await cli('flows', 'enable', 'zoho-purchase-orders-to-sap', '--tenant', stack.tenantId, '--config-file', await configFile({ plant: 'no such plant code, far too long' }));
    expect(invalid.code).to.equal(2);
    expect(invalid.stderr).to.contain('config.plant');
    const enabled = await cli('flows', 'enable', 'zoho-purchase-orders-to-sap', '--tenant', stack.tenantId, '--every', '1h', '--config-file', await configFile({ materials: {} }));
    expect(enabled.code, enabled.stderr).to.equal(0);
    const product = await stack.zohoCreate('Products', { Product_Name: 'Unmapped gadget' });
    const poId = await stack.zohoCreate('Purchase_Orders', { Subject: 'Gadgets', Vendor_Name: { id: vendor['id'] }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 2, List_Price: 5 }] });
    const dead = await eventually('the PO in the dead letters', async () => {
      const listed = await cli('records', 'list', '--tenant', stack.tenantId, '--status', 'dead', '--json');
      return (JSON.parse(listed.stdout || '[]') as Json[]).find((r) => r['zohoId'] === poId);
    });
    expect(String(dead['deadReason'])).to.contain('has no SAP material').and.to.contain('config.materials');

    const fixed = await cli('flows', 'enable', 'zoho-purchase-orders-to-sap', '--tenant', stack.tenantId, '--config-file', await configFile({ materials: { 'Unmapped gadget': 'SIM-BOLT-M8' } }));
    expect(fixed.code, fixed.stderr).to.equal(0);
    const replayed = await cli('records', 'replay', '--tenant', stack.tenantId, '--all', '--flow', 'zoho-purchase-orders-to-sap');
    expect(replayed.stdout).to.contain('1 record(s) queued for replay');
    await eventually('the replayed PO posted', async () => {
      const po = (await stack.zohoRecords('Purchase_Orders')).find((r) => r['id'] === poId);
      return typeof po?.['PO_Number'] === 'string';
    });
    const flows = await cli('flows', 'list', '--tenant', stack.tenantId);
    expect(flows.stdout).to.match(/zoho-purchase-orders-to-sap\s+enabled/);
  });
});

async function configFile(config: Json): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'mlc-flow-config-')), 'config.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}

async function zohoWrites(stack: SyncStack, module: string): Promise<number> {
  const calls = (await stack.zohoAdmin('GET', 'calls')).json['calls'] as Array<{ method: string; path: string }>;
  return calls.filter((c) => c.method !== 'GET' && c.path.includes(`/${module}`)).length;
}
