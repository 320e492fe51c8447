import { expect } from 'chai';
import { admin, api, login, refreshAccess, TEST_CLIENT } from './sim-test-kit.js';
import { startSimZoho, type SimZohoServer } from './sim-zoho.server.js';

describe('saveState() and the state option: a restarted simulator keeps what it had', () => {
  const started: SimZohoServer[] = [];
  const start = async (state?: ReturnType<SimZohoServer['saveState']>): Promise<SimZohoServer> => {
    const sim = await startSimZoho({
      clients: [{ clientId: TEST_CLIENT.clientId, clientSecret: TEST_CLIENT.clientSecret, redirectUris: [TEST_CLIENT.redirectUri] }],
      settings: { autoApprove: true },
      customFields: [{ module: 'Accounts', field: { apiName: 'SAP_Customer_Number', type: 'text', unique: true } }],
      state,
    });
    started.push(sim);
    return sim;
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((sim) => sim.close()));
  });

  it('keeps records, custom fields and modules, id numbering and refresh tokens', async () => {
    const first = await start();
    const session = await login(first);
    await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Kept GmbH', SAP_Customer_Number: '100001' }] });
    expect((await admin(first, 'POST', 'custom-modules', { api_name: 'SAP_Reference_Data', fields: [{ api_name: 'SAP_Key', unique: true }] })).status).to.equal(201);
    await admin(first, 'POST', 'records/SAP_Reference_Data', { Name: 'Company code 1000', SAP_Key: '1000' });
    const firstPort = String(first.port);
    const state = JSON.parse(JSON.stringify(first.saveState())) as ReturnType<SimZohoServer['saveState']>;
    await first.close();
    started.length = 0;

    const second = await start(state);
    const accounts = (await admin(second, 'GET', 'records/Accounts')).json.data as Array<Record<string, unknown>>;
    expect(accounts.map((a) => a['SAP_Customer_Number'])).to.deep.equal(['100001']);
    const duplicate = await admin(second, 'POST', 'records/Accounts', { Account_Name: 'Other', SAP_Customer_Number: '100001' });
    expect(duplicate.json.data[0].code).to.equal('DUPLICATE_DATA');
    const fresh = await admin(second, 'POST', 'records/Accounts', { Account_Name: 'New AG' });
    expect(fresh.json.data[0].details.id > String(accounts[0]?.['id'])).to.equal(true);
    expect((await admin(second, 'GET', 'records/SAP_Reference_Data')).json.data).to.have.length(1);

    const secondSession = { ...session, apiDomain: session.apiDomain.replace(firstPort, String(second.port)) };
    expect((await api(secondSession, 'GET', '/crm/v8/org')).status).to.equal(200);
    const refreshed = await refreshAccess(session.accountsServer.replace(firstPort, String(second.port)), session.refreshToken);
    expect(refreshed.json.access_token).to.be.a('string');
  });
});
