import { expect } from 'chai';
import type { SimZohoServer } from './sim-zoho.server.js';
import { accountRecords, admin, api, login, refreshAccess, startTestSim, type Session } from './sim-test-kit.js';

describe('editions and limits', () => {
  let sim: SimZohoServer;
  let session: Session;

  afterEach(async () => {
    await sim.close();
  });

  describe('edition gating', () => {
    beforeEach(async () => {
      sim = await startTestSim({ edition: 'standard' });
      session = await login(sim);
    });

    it('GET /crm/v8/org reports the edition', async () => {
      const org = await api(session, 'GET', '/crm/v8/org');
      expect(org.json.org[0].license_details).to.include({ paid_type: 'standard', paid: true });
    });

    it('hides Purchase_Orders, Sales_Orders, Invoices, Quotes and Vendors below Professional (400 INVALID_MODULE)', async () => {
      for (const module of ['Purchase_Orders', 'Sales_Orders', 'Invoices', 'Quotes', 'Vendors']) {
        const result = await api(session, 'GET', `/crm/v8/${module}?fields=id`);
        expect(result.status, module).to.equal(400);
        expect(result.json.code, module).to.equal('INVALID_MODULE');
      }
      expect((await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name')).status).to.equal(204);
      const coql = await api(session, 'POST', '/crm/v8/coql', { select_query: "select Vendor_Name from Vendors where Vendor_Name = 'x'" });
      expect(coql.json.code).to.equal('INVALID_QUERY');
      const watch = await api(session, 'POST', '/crm/v8/actions/watch', { watch: [{ channel_id: 1, events: ['Purchase_Orders.all'], notify_url: 'http://127.0.0.1:9/x' }] });
      expect(watch.status).to.equal(202);
      expect(watch.json.watch[0]).to.include({ code: 'INVALID_DATA' });
      await admin(sim, 'POST', 'settings', { edition: 'professional' });
      expect((await api(session, 'GET', '/crm/v8/Purchase_Orders?fields=Subject')).status).to.equal(204);
    });
  });

  describe('concurrency (429 TOO_MANY_REQUESTS)', () => {
    it('allows 5 calls at once on Free and refuses the rest', async () => {
      sim = await startTestSim({ edition: 'free', latencyMs: 300 });
      session = await login(sim);
      const results = await Promise.all(Array.from({ length: 8 }, () => api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name')));
      const statuses = results.map((result) => result.status).sort();
      expect(statuses).to.deep.equal([204, 204, 204, 204, 204, 429, 429, 429]);
      const refused = results.find((result) => result.status === 429);
      expect(refused?.json).to.include({ code: 'TOO_MANY_REQUESTS', status: 'error' });
    });

    it('limits complex calls (COQL, search, writes of more than 10 records) to 10 even on Enterprise', async () => {
      sim = await startTestSim({ edition: 'enterprise', latencyMs: 300 });
      session = await login(sim);
      const coql = Array.from({ length: 12 }, () => api(session, 'POST', '/crm/v8/coql', { select_query: "select Account_Name from Accounts where Account_Name = 'x'" }));
      const simple = Array.from({ length: 5 }, () => api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name'));
      const [complexResults, simpleResults] = await Promise.all([Promise.all(coql), Promise.all(simple)]);
      expect(complexResults.filter((result) => result.status === 429)).to.have.length(2);
      expect(simpleResults.every((result) => result.status === 204)).to.equal(true);
    });
  });

  describe('API credits (rolling 24 h)', () => {
    it('charge 1 credit per 10 records written, show X-API-CREDITS-REMAINING from 50% use, refuse when spent', async () => {
      sim = await startTestSim({ creditsPerDay: 21 });
      session = await login(sim);
      const first = await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: accountRecords(100, 'a') });
      expect(first.status).to.equal(201);
      expect(first.headers.get('x-api-credits-remaining')).to.equal(null);
      const second = await api(session, 'POST', '/crm/v8/Accounts/upsert', { data: accountRecords(15, 'b') });
      expect(second.headers.get('x-api-credits-remaining')).to.equal('9');
      const third = await api(session, 'POST', '/crm/v8/Accounts', { data: accountRecords(100, 'c') });
      expect(third.status).to.equal(429);
      expect(third.json.code).to.equal('TOO_MANY_REQUESTS');
      const calls = (await admin(sim, 'GET', 'calls')).json.calls as { path: string; status: number; credits: number }[];
      expect(calls.map((call) => [call.status, call.credits])).to.deep.equal([[201, 10], [201, 2], [429, 0]]);

      // Credits are kept in one-minute buckets, so they come back within a minute after 24 h.
      await admin(sim, 'POST', 'clock/advance', { duration: '1441m' });
      const fresh = { ...session, accessToken: (await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token as string };
      expect((await api(fresh, 'POST', '/crm/v8/Accounts', { data: accountRecords(100, 'd') })).status).to.equal(201);
    });

    it('derive the daily allowance from edition and users', async () => {
      sim = await startTestSim({ edition: 'professional', users: 4 });
      const state = await admin(sim, 'GET', 'state');
      expect(state.json.credits.limit).to.equal(52_000);
      expect(state.json.concurrency_limit).to.equal(15);
    });
  });
});
