import { expect } from 'chai';
import { validateAgainstZohoOas } from './oas-validator.js';

const user = { name: 'Sim Admin', id: '5725767000000411001', email: 'admin@sim-zoho.test' };
const details = { Modified_Time: '2026-11-24T09:58:09+05:30', Modified_By: user, Created_Time: '2026-11-24T09:58:09+05:30', id: '5725767000000412001', Created_By: user };

describe('validateAgainstZohoOas', () => {
  it('accepts documented bodies, whatever the host prefix', () => {
    const upsert = { data: [{ code: 'SUCCESS', details, message: 'record added', status: 'success', action: 'insert', duplicate_field: null }] };
    const result = validateAgainstZohoOas('POST', 'https://www.zohoapis.eu/crm/v8/Accounts/upsert', 201, upsert);
    expect(result.errors).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(result.operation).to.equal('record.json#/crm/v8/{module_api_name}/upsert post');
    const list = { data: [{ id: '1', Account_Name: 'Acme' }], info: { per_page: 200, count: 1, page: 1, more_records: false, next_page_token: null, sort_by: 'id', sort_order: 'asc' } };
    expect(validateAgainstZohoOas('GET', '/crm/v8/Accounts?fields=Account_Name', 200, list).valid).to.equal(true);
    expect(validateAgainstZohoOas('GET', '/dc/eu/api/crm/v8/Accounts', 204, undefined).valid).to.equal(true);
  });

  it('rejects bodies that break the schemas', () => {
    const cases: [string, string, number, unknown][] = [
      ['GET', '/crm/v8/Accounts', 200, { info: { per_page: 200 } }],
      ['GET', '/crm/v8/Accounts', 200, { data: [{ id: '1' }], info: { per_page: '200' } }],
      ['POST', '/crm/v8/Accounts/upsert', 201, { data: [{ code: 'OK', details, message: 'record added', status: 'success' }] }],
      ['POST', '/crm/v8/Accounts', 201, { data: [{ code: 'SUCCESS', message: 'record added', status: 'success' }] }],
      ['GET', '/crm/v8/Accounts', 400, { code: 'BANANA', details: {}, message: 'x', status: 'error' }],
      ['POST', '/crm/v8/Accounts', 201, { data: [{ code: 'SUCCESS', details: { ...details, Created_By: { name: 'no id' } }, message: 'record added', status: 'success' }] }],
      ['POST', '/crm/v8/actions/watch', 201, { watch: [{ code: 'SUCCESS', message: 'Successfully subscribed for actions-watch of the given module', status: 'success' }] }],
      ['POST', '/crm/v8/coql', 400, { code: 'NOT_A_COQL_CODE', details: {}, message: 'invalid query formed', status: 'error' }],
      ['GET', '/crm/v8/org', 200, { org: [{ id: '1' }] }],
    ];
    for (const [method, path, status, body] of cases) {
      const result = validateAgainstZohoOas(method, path, status, body);
      expect(result.valid, `${method} ${path} ${JSON.stringify(body)}`).to.equal(false);
      expect(result.errors).to.have.length.greaterThan(0);
    }
  });

  it('reports paths and methods the spec does not have', () => {
    const result = validateAgainstZohoOas('GET', '/crm/v8/Accounts/1/x/y/z', 200, {});
    expect(result.valid).to.equal(false);
    expect(result.errors[0]).to.match(/no operation/);
  });

  it('notes a status the files do not declare (Zoho answers 201/207/400 where they say 200)', () => {
    const result = validateAgainstZohoOas('POST', '/crm/v8/Accounts', 207, { data: [{ code: 'SUCCESS', details, message: 'record added', status: 'success' }, { code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Account_Name', json_path: '$.data[1].Account_Name' }, message: 'required field not found', status: 'error' }] });
    expect(result.valid).to.equal(true);
    expect(result.notes[0]).to.match(/status 207 not declared/);
  });
});
