import { expect } from 'chai';
import type { SimZohoServer } from './sim-zoho.server.js';
import { accountRecords, admin, api, login, startTestSim, type Session } from './sim-test-kit.js';

describe('CRM v8 records (/crm/v8/{module})', () => {
  let sim: SimZohoServer;
  let session: Session;

  beforeEach(async () => {
    sim = await startTestSim();
    session = await login(sim);
  });

  afterEach(async () => {
    await sim.close();
  });

  async function insertAccounts(count: number, prefix = 'Acct'): Promise<string[]> {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 100) {
      const batch = accountRecords(Math.min(100, count - start), `${prefix}${start}`);
      const result = await api(session, 'POST', '/crm/v8/Accounts', { data: batch });
      expect(result.status).to.equal(201);
      ids.push(...result.json.data.map((item: { details: { id: string } }) => item.details.id));
    }
    return ids;
  }

  describe('GET /crm/v8/{module}', () => {
    it('requires fields (400 REQUIRED_PARAM_MISSING) and allows at most 50', async () => {
      const missing = await api(session, 'GET', '/crm/v8/Accounts');
      expect(missing.status).to.equal(400);
      expect(missing.json).to.deep.equal({ code: 'REQUIRED_PARAM_MISSING', details: { param_name: 'fields' }, message: 'One of the expected parameter is missing', status: 'error' });
      const many = Array.from({ length: 51 }, (_, i) => `F${i}`).join(',');
      expect((await api(session, 'GET', `/crm/v8/Accounts?fields=${many}`)).json.code).to.equal('LIMIT_EXCEEDED');
    });

    it('answers 204 when the module has no records and rejects per_page over 200', async () => {
      expect((await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name')).status).to.equal(204);
      expect((await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name&per_page=201')).status).to.equal(400);
    });

    it('pages with `page` up to 2,000 records, then only with page_token', async () => {
      const ids = await insertAccounts(2_100);
      const tenth = await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name&per_page=200&page=10&sort_by=id&sort_order=asc');
      expect(tenth.status).to.equal(200);
      expect(tenth.json.data[199].id).to.equal(ids[1_999]);
      const eleventh = await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name&per_page=200&page=11&sort_by=id&sort_order=asc');
      expect(eleventh.status).to.equal(400);
      expect(eleventh.json.code).to.equal('DISCRETE_PAGINATION_LIMIT_EXCEEDED');

      const seen: string[] = [];
      let path = '/crm/v8/Accounts?fields=Account_Name,Account_Number&per_page=200&sort_by=id&sort_order=asc';
      for (;;) {
        const page = await api(session, 'GET', path);
        expect(page.status).to.equal(200);
        seen.push(...page.json.data.map((record: { id: string }) => record.id));
        expect(page.json.info.more_records).to.equal(page.json.info.next_page_token !== null);
        if (!page.json.info.more_records) break;
        path = `/crm/v8/Accounts?fields=Account_Name,Account_Number&per_page=200&page_token=${page.json.info.next_page_token}`;
      }
      expect(seen).to.deep.equal(ids);
    });

    it('honours If-Modified-Since (304 when nothing changed) and sort_by=Modified_Time', async () => {
      const [first, second] = await insertAccounts(2);
      await admin(sim, 'POST', 'clock/advance', { duration: '10m' });
      const since = (await admin(sim, 'GET', 'clock')).json.now_iso as string;
      const none = await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name', undefined, { 'If-Modified-Since': since });
      expect(none.status).to.equal(304);
      await admin(sim, 'POST', 'clock/advance', { duration: '1m' });
      expect((await api(session, 'PUT', `/crm/v8/Accounts/${first}`, { data: [{ Phone: '+1 555' }] })).status).to.equal(200);
      const changed = await api(session, 'GET', '/crm/v8/Accounts?fields=Phone', undefined, { 'If-Modified-Since': since });
      expect(changed.json.data.map((record: { id: string }) => record.id)).to.deep.equal([first]);
      const byModified = await api(session, 'GET', '/crm/v8/Accounts?fields=Phone&sort_by=Modified_Time&sort_order=desc');
      expect(byModified.json.data.map((record: { id: string }) => record.id)).to.deep.equal([first, second]);
    });
  });

  describe('POST /crm/v8/{module}', () => {
    it('inserts records and answers 201 with the documented success item', async () => {
      const result = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Acme', Billing_City: 'Lyon' }], trigger: ['workflow'] });
      expect(result.status).to.equal(201);
      const [item] = result.json.data;
      expect(item).to.include({ code: 'SUCCESS', message: 'record added', status: 'success' });
      expect(item.details).to.have.all.keys('id', 'Modified_Time', 'Created_Time', 'Created_By', 'Modified_By');
      expect(item.details.Modified_Time).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      const fetched = await api(session, 'GET', `/crm/v8/Accounts/${item.details.id}`);
      expect(fetched.json.data[0]).to.include({ Account_Name: 'Acme', Billing_City: 'Lyon', id: item.details.id });
    });

    it('gives per-item errors (207 when mixed): MANDATORY_NOT_FOUND and INVALID_DATA with api_name, json_path, expected_data_type', async () => {
      const result = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Ok' }, { Phone: '1' }, { Account_Name: 'Bad', Employees: 'many' }] });
      expect(result.status).to.equal(207);
      const [ok, mandatory, invalid] = result.json.data;
      expect(ok.code).to.equal('SUCCESS');
      expect(mandatory).to.deep.equal({ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Account_Name', json_path: '$.data[1].Account_Name' }, message: 'required field not found', status: 'error' });
      expect(invalid).to.deep.equal({ code: 'INVALID_DATA', details: { expected_data_type: 'integer', api_name: 'Employees', json_path: '$.data[2].Employees' }, message: 'invalid data', status: 'error' });
      const allBad = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Phone: '1' }] });
      expect(allBad.status).to.equal(400);
    });

    it('refuses more than 100 records per call', async () => {
      const result = await api(session, 'POST', '/crm/v8/Accounts', { data: accountRecords(101) });
      expect(result.status).to.equal(400);
      expect(result.json.code).to.equal('LIMIT_EXCEEDED');
      expect((await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name')).status).to.equal(204);
    });

    it('ignores fields the org does not define unless told to keep them', async () => {
      const ignored = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'A', SAP_Customer_Number: '0000100001' }] });
      const fetched = await api(session, 'GET', `/crm/v8/Accounts/${ignored.json.data[0].details.id}`);
      expect(fetched.json.data[0]).to.not.have.property('SAP_Customer_Number');
      await admin(sim, 'POST', 'custom-fields', { module: 'Accounts', api_name: 'SAP_Customer_Number', data_type: 'text', unique: true });
      const kept = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'B', SAP_Customer_Number: '0000100002' }] });
      const again = await api(session, 'GET', `/crm/v8/Accounts/${kept.json.data[0].details.id}?fields=SAP_Customer_Number`);
      expect(again.json.data[0].SAP_Customer_Number).to.equal('0000100002');
    });

    it('checks Purchase_Orders: Subject, Vendor_Name lookup and Purchase_Items line items', async () => {
      const vendor = (await api(session, 'POST', '/crm/v8/Vendors', { data: [{ Vendor_Name: 'Vend' }] })).json.data[0].details.id;
      const product = (await api(session, 'POST', '/crm/v8/Products', { data: [{ Product_Name: 'Bolt', Unit_Price: 2 }] })).json.data[0].details.id;
      const result = await api(session, 'POST', '/crm/v8/Purchase_Orders', {
        data: [
          { Subject: 'PO-1', Vendor_Name: { id: vendor }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 3, List_Price: 2.5, Discount: 1 }] },
          { Subject: 'PO-2', Vendor_Name: { id: vendor } },
          { Subject: 'PO-3', Vendor_Name: { id: '1' }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 1 }] },
          { Subject: 'PO-4', Vendor_Name: { id: vendor }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 'x' }] },
        ],
      });
      expect(result.status).to.equal(207);
      const [created, noItems, badVendor, badQuantity] = result.json.data;
      expect(created.code).to.equal('SUCCESS');
      expect(noItems.details).to.deep.equal({ api_name: 'Purchase_Items', json_path: '$.data[1].Purchase_Items' });
      expect(badVendor.details).to.include({ api_name: 'Vendor_Name', expected_data_type: 'lookup' });
      expect(badQuantity.details).to.include({ api_name: 'Quantity', json_path: '$.data[3].Purchase_Items[0].Quantity' });
      const po = (await api(session, 'GET', `/crm/v8/Purchase_Orders/${created.details.id}`)).json.data[0];
      expect(po.Vendor_Name).to.deep.equal({ name: 'Vend', id: vendor });
      expect(po.Purchase_Items[0]).to.include({ Quantity: 3, List_Price: 2.5, Total: 7.5, Net_Total: 6.5 });
      expect(po.Purchase_Items[0].Product_Name).to.deep.equal({ name: 'Bolt', id: product });
    });
  });

  describe('PUT and DELETE', () => {
    it('updates by PUT /{module} (id in body) and PUT /{module}/{id}', async () => {
      const [a, b] = await insertAccounts(2);
      const bulk = await api(session, 'PUT', '/crm/v8/Accounts', { data: [{ id: a, Phone: '1' }, { Phone: '2' }] });
      expect(bulk.status).to.equal(207);
      expect(bulk.json.data[0].message).to.equal('record updated');
      expect(bulk.json.data[1]).to.include({ code: 'MANDATORY_NOT_FOUND' });
      expect((await api(session, 'PUT', `/crm/v8/Accounts/${b}`, { data: [{ Phone: '3' }] })).status).to.equal(200);
      const phones = (await api(session, 'GET', '/crm/v8/Accounts?fields=Phone&sort_order=asc')).json.data.map((record: { Phone: string }) => record.Phone);
      expect(phones).to.deep.equal(['1', '3']);
    });

    it('deletes with ?ids= and reports unknown ids per item', async () => {
      const [a] = await insertAccounts(1);
      const result = await api(session, 'DELETE', `/crm/v8/Accounts?ids=${a},5725767000999999999`);
      expect(result.status).to.equal(207);
      expect(result.json.data[0]).to.deep.equal({ code: 'SUCCESS', details: { id: a }, message: 'record deleted', status: 'success' });
      expect(result.json.data[1].status).to.equal('error');
      expect((await api(session, 'GET', `/crm/v8/Accounts/${a}`)).status).to.equal(204);
      expect((await api(session, 'DELETE', '/crm/v8/Accounts')).json.code).to.equal('REQUIRED_PARAM_MISSING');
      const deleted = await api(session, 'GET', '/crm/v8/Accounts/deleted?type=all');
      expect(deleted.status).to.equal(200);
      expect(deleted.json.data).to.have.length(1);
      expect(deleted.json.data[0]).to.include({ id: a, display_name: 'Acct0 0', type: 'recycle' });
      expect((await api(session, 'GET', '/crm/v8/Accounts/deleted?type=permanent')).status).to.equal(204);
    });
  });

  describe('POST /crm/v8/{module}/upsert', () => {
    it('inserts then updates on the system duplicate-check field (Account_Name), with action and duplicate_field', async () => {
      const first = await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: [{ Account_Name: 'Acme', Phone: '1' }] });
      expect(first.status).to.equal(201);
      expect(first.json.data[0]).to.include({ action: 'insert', duplicate_field: null, message: 'record added' });
      const second = await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: [{ Account_Name: 'Acme', Phone: '2' }, { Account_Name: 'Other' }] });
      expect(second.status).to.equal(201);
      expect(second.json.data[0]).to.include({ action: 'update', duplicate_field: 'Account_Name', message: 'record updated' });
      expect(second.json.data[0].details.id).to.equal(first.json.data[0].details.id);
      expect(second.json.data[1]).to.include({ action: 'insert' });
    });

    it('matches on duplicate_check_fields in order (a custom field), 207 on mixed results, DUPLICATE_DATA on a unique field', async () => {
      await admin(sim, 'POST', 'custom-fields', { module: 'Accounts', api_name: 'SAP_Customer_Number', data_type: 'text', unique: true });
      const seed = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Acme', SAP_Customer_Number: '0000100001' }] });
      const id = seed.json.data[0].details.id;
      const upsert = await api(session, 'POST', '/crm/v8/Accounts/upsert', {
        data: [{ Account_Name: 'Acme Renamed', SAP_Customer_Number: '0000100001' }, { SAP_Customer_Number: '0000100002' }],
        duplicate_check_fields: ['SAP_Customer_Number', 'Account_Name'],
      });
      expect(upsert.status).to.equal(207);
      expect(upsert.json.data[0]).to.include({ action: 'update', duplicate_field: 'SAP_Customer_Number' });
      expect(upsert.json.data[0].details.id).to.equal(id);
      expect(upsert.json.data[1]).to.include({ code: 'MANDATORY_NOT_FOUND' });
      const duplicate = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Copy', SAP_Customer_Number: '0000100001' }] });
      expect(duplicate.status).to.equal(400);
      expect(duplicate.json.data[0].code).to.equal('DUPLICATE_DATA');
      expect(duplicate.json.data[0].details).to.include({ api_name: 'SAP_Customer_Number', id });
      expect(duplicate.json.data[0].details.duplicate_record.id).to.equal(id);
    });

    it('refuses more than 100 records and unknown duplicate_check_fields', async () => {
      expect((await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: accountRecords(101) })).json.code).to.equal('LIMIT_EXCEEDED');
      const unknown = await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: accountRecords(1), duplicate_check_fields: ['Nope'] });
      expect(unknown.status).to.equal(400);
      expect(unknown.json).to.include({ code: 'INVALID_DATA' });
    });
  });

  describe('GET /crm/v8/{module}/search and POST /crm/v8/coql', () => {
    it('searches with criteria (equals, starts_with, and/or) and answers 204 for no match', async () => {
      await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Alpha', Billing_City: 'Paris' }, { Account_Name: 'Beta', Billing_City: 'Paris' }, { Account_Name: 'Gamma', Billing_City: 'Rome' }] });
      const paris = await api(session, 'GET', `/crm/v8/Accounts/search?criteria=${encodeURIComponent('(Billing_City:equals:Paris)')}`);
      expect(paris.json.data.map((record: { Account_Name: string }) => record.Account_Name)).to.have.members(['Alpha', 'Beta']);
      const combined = await api(session, 'GET', `/crm/v8/Accounts/search?criteria=${encodeURIComponent('((Billing_City:equals:Paris)and(Account_Name:starts_with:B))')}`);
      expect(combined.json.data.map((record: { Account_Name: string }) => record.Account_Name)).to.deep.equal(['Beta']);
      expect((await api(session, 'GET', '/crm/v8/Accounts/search?criteria=(Account_Name:equals:Nobody)')).status).to.equal(204);
      expect((await api(session, 'GET', '/crm/v8/Accounts/search?criteria=(Account_Name:frobs:x)')).json.code).to.equal('INVALID_QUERY');
    });

    it('runs COQL with where, Modified_Time, order by, limit and offset', async () => {
      await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Old', Billing_City: 'Paris' }] });
      await admin(sim, 'POST', 'clock/advance', { duration: '10m' });
      const cutoff = (await admin(sim, 'GET', 'clock')).json.now_iso as string;
      await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'New A', Billing_City: 'Paris' }, { Account_Name: 'New B', Billing_City: 'Paris' }, { Account_Name: 'New C', Billing_City: 'Rome' }] });
      const query = `select Account_Name, Billing_City from Accounts where Billing_City = 'Paris' and Modified_Time >= '${cutoff}' order by Account_Name desc limit 1 offset 1`;
      const result = await api(session, 'POST', '/crm/v8/coql', { select_query: query });
      expect(result.status).to.equal(200);
      expect(result.json.data).to.have.length(1);
      expect(result.json.data[0]).to.include({ Account_Name: 'New A', Billing_City: 'Paris' });
      expect(result.json.info).to.deep.equal({ count: 1, more_records: false });
      const syntax = await api(session, 'POST', '/crm/v8/coql', { select_query: 'select from Accounts' });
      expect(syntax.json.code).to.equal('SYNTAX_ERROR');
      const column = await api(session, 'POST', '/crm/v8/coql', { select_query: "select Nope from Accounts where Account_Name = 'x'" });
      expect(column.json).to.include({ code: 'INVALID_QUERY', message: 'column given seems to be invalid' });
      expect((await api(session, 'POST', '/crm/v8/coql', { select_query: 'select Account_Name from Accounts limit 2001' })).json.code).to.equal('LIMIT_EXCEEDED');
    });
  });
});
