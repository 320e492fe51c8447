import { expect } from 'chai';
import type { SimZohoServer } from './sim-zoho.server.js';
import { admin, api, login, startTestSim } from './sim-test-kit.js';

describe('admin API (/__admin/...)', () => {
  let sim: SimZohoServer;

  beforeEach(async () => {
    sim = await startTestSim();
  });

  afterEach(async () => {
    await sim.close();
  });

  it('reports every invalid setting at once and changes nothing', async () => {
    const result = await admin(sim, 'POST', 'settings', { edition: 'gold', callbackDropRate: 2, latencyMs: 10, bogus: true });
    expect(result.status).to.equal(400);
    expect(result.json.error).to.have.length(3);
    expect((await admin(sim, 'GET', 'state')).json.settings.latencyMs).to.equal(0);
  });

  it('acts as a CRM user (validated like the API, no credits) and lists records', async () => {
    const bad = await admin(sim, 'POST', 'records/Accounts', { Phone: '1' });
    expect(bad.status).to.equal(400);
    expect(bad.json.data[0].code).to.equal('MANDATORY_NOT_FOUND');
    const created = await admin(sim, 'POST', 'records/Accounts', { data: [{ Account_Name: 'UI 1' }, { Account_Name: 'UI 2' }] });
    expect(created.status).to.equal(200);
    const id = created.json.data[0].details.id as string;
    expect((await admin(sim, 'DELETE', `records/Accounts/${id}`)).json.deleted).to.equal(id);
    const listed = await admin(sim, 'GET', 'records/Accounts');
    expect(listed.json.data.map((record: { Account_Name: string }) => record.Account_Name)).to.deep.equal(['UI 2']);
    expect((await admin(sim, 'GET', 'state')).json.credits.used).to.equal(0);
  });

  it('resets records, tokens, logs, credits and the clock but keeps clients and settings', async () => {
    await admin(sim, 'POST', 'settings', { edition: 'professional' });
    const session = await login(sim);
    await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Gone' }] });
    await admin(sim, 'POST', 'clock/advance', { duration: '2h' });
    const reset = await admin(sim, 'POST', 'reset');
    expect(reset.json).to.deep.include({ calls_total: 0, credits: { used: 0, limit: reset.json.credits.limit } });
    expect(reset.json.settings.edition).to.equal('professional');
    expect(Math.abs((reset.json.now as number) - Date.now())).to.be.lessThan(5_000);
    expect((await api(session, 'GET', '/crm/v8/org')).json.code).to.equal('INVALID_TOKEN');
    const again = await login(sim);
    expect((await api(again, 'GET', '/crm/v8/Accounts?fields=Account_Name')).status).to.equal(204);
  });

  it('injects the next API failures on demand: a Zoho 5xx body or a dropped connection', async () => {
    const session = await login(sim);
    expect((await admin(sim, 'POST', 'faults', { count: 2, status: 503, code: 'INTERNAL_ERROR' })).json.pending).to.equal(2);
    await admin(sim, 'POST', 'faults', { mode: 'reset' });
    for (let i = 0; i < 2; i += 1) {
      const failed = await api(session, 'GET', '/crm/v8/org');
      expect(failed.status).to.equal(503);
      expect(failed.json).to.include({ code: 'INTERNAL_ERROR', status: 'error' });
    }
    let error: unknown;
    try {
      await api(session, 'GET', '/crm/v8/org');
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((await api(session, 'GET', '/crm/v8/org')).status).to.equal(200);
    const calls = (await admin(sim, 'GET', 'calls')).json.calls as { status: number }[];
    expect(calls.map((call) => call.status)).to.deep.equal([503, 503, 0, 200]);
  });
});
