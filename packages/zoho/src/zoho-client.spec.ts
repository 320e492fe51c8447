import { expect } from 'chai';
import { validateAgainstZohoOas, validateRequestAgainstZohoOas, type SimZohoServer } from '@mlc/sim-zoho';
import { TEST_CLIENT, admin, startTestSim } from '@mlc/sim-zoho/test-kit';
import { ZohoBudget } from './zoho-budget.js';
import { ZohoCrmClient, type ZohoAccess, type ZohoExchange, type ZohoTokenProvider } from './zoho-crm.client.js';
import { ZohoApiError, ZohoNetworkError, ZohoOAuthError } from './zoho-errors.js';
import { ZohoIoThread } from './zoho-io-thread.js';
import { ZohoOAuthClient } from './zoho-oauth.client.js';
import { fetchOrg } from './zoho-org.api.js';
import { ZohoRecordsApi, type ZohoRecord } from './zoho-records.api.js';
import { ZOHO_SCOPES } from './zoho-regions.js';

/** Waits (polling) until `done` holds; fails naming `what` after 5 s. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A token provider with a plain refresh, counting renewals. */
class RefreshingTokens implements ZohoTokenProvider {
  renewals = 0;
  constructor(
    private access: ZohoAccess,
    private readonly oauth: ZohoOAuthClient,
    private readonly accountsServer: string,
    private readonly refreshToken: string,
  ) {}
  current(): Promise<ZohoAccess> {
    return Promise.resolve(this.access);
  }
  async renew(): Promise<ZohoAccess> {
    this.renewals += 1;
    const fresh = await this.oauth.refresh(this.accountsServer, this.refreshToken);
    this.access = { accessToken: fresh.accessToken, apiDomain: fresh.apiDomain };
    return this.access;
  }
}

describe('@mlc/zoho against sim-zoho over HTTP', () => {
  let sim: SimZohoServer;
  let oauth: ZohoOAuthClient;
  let exchanges: ZohoExchange[];

  before(async () => {
    sim = await startTestSim({ orgDc: 'eu' });
    oauth = new ZohoOAuthClient({ clientId: TEST_CLIENT.clientId, clientSecret: TEST_CLIENT.clientSecret, redirectUri: TEST_CLIENT.redirectUri });
  });
  after(() => sim.close());
  beforeEach(async () => {
    exchanges = [];
    await admin(sim, 'POST', 'reset');
    await admin(sim, 'POST', 'settings', { latencyMs: 0, concurrency: null, edition: 'enterprise' });
  });
  // Every request the client sent and every answer it got must match Zoho's OpenAPI files.
  afterEach(() => {
    for (const exchange of exchanges) {
      const request = validateRequestAgainstZohoOas(exchange.method, exchange.url, exchange.requestBody);
      expect(request.errors, `request ${exchange.method} ${exchange.url}`).to.deep.equal([]);
      if (exchange.status === 304) continue;
      const response = validateAgainstZohoOas(exchange.method, exchange.url, exchange.status, exchange.responseBody);
      expect(response.errors, `response ${exchange.status} to ${exchange.method} ${exchange.url}`).to.deep.equal([]);
    }
  });

  /** Authorizes at the US accounts server; the sim's org lives in the EU, so the redirect names the EU server. */
  async function connect(): Promise<{ tokens: RefreshingTokens; accountsServer: string; refreshToken: string }> {
    const url = oauth.authorizeUrl({ accountsServer: sim.dc('us').accountsServer, scopes: ZOHO_SCOPES, state: 'state-1' });
    const redirect = await fetch(url, { redirect: 'manual' });
    const back = new URL(redirect.headers.get('location') ?? '');
    expect(back.searchParams.get('state')).to.equal('state-1');
    expect(back.searchParams.get('location')).to.equal('eu');
    const accountsServer = back.searchParams.get('accounts-server') ?? '';
    const set = await oauth.exchangeCode(accountsServer, back.searchParams.get('code') ?? '');
    expect(set.apiDomain).to.equal(sim.dc('eu').apiDomain);
    expect(set.expiresInMs).to.equal(3_600_000);
    const refreshToken = set.refreshToken ?? '';
    expect(refreshToken).to.not.equal('');
    return { tokens: new RefreshingTokens({ accessToken: set.accessToken, apiDomain: set.apiDomain }, oauth, accountsServer, refreshToken), accountsServer, refreshToken };
  }

  function clientWith(tokens: ZohoTokenProvider, budget = ZohoBudget.forEdition('enterprise', 10)): ZohoCrmClient {
    return new ZohoCrmClient({ tokens, budget, retry: { minTimeoutMs: 20, maxTimeoutMs: 200 }, onExchange: (exchange) => exchanges.push(exchange) });
  }

  it('exchanges a code at the accounts server the redirect names; a revoked refresh token reads as invalid_code (reconnect)', async () => {
    const { accountsServer, refreshToken } = await connect();
    const refreshed = await oauth.refresh(accountsServer, refreshToken);
    expect(refreshed.refreshToken).to.equal(undefined);
    await oauth.revoke(accountsServer, refreshToken);
    const refused = await oauth.refresh(accountsServer, refreshToken).then(() => undefined, (err: unknown) => err);
    expect(refused).to.be.instanceOf(ZohoOAuthError);
    expect((refused as ZohoOAuthError).needsReconnect).to.equal(true);
  });

  it('upserts 250 records in three batches with one result per record, errors in place', async () => {
    const { tokens } = await connect();
    const records: ZohoRecord[] = Array.from({ length: 250 }, (_, i) => ({ Account_Name: `Acme ${i}`, Account_Number: String(i) }));
    records[120] = { Account_Name: 'Bad', Annual_Revenue: 'not a number' };
    const results = await new ZohoRecordsApi(clientWith(tokens)).upsert('Accounts', records, { duplicateCheckFields: ['Account_Name'] });
    expect(results).to.have.length(250);
    expect(results.map((r) => r.index)).to.deep.equal(records.map((_, i) => i));
    const failed = results.filter((r) => !r.ok);
    expect(failed).to.have.length(1);
    expect(failed[0]).to.include({ index: 120, ok: false, code: 'INVALID_DATA' });
    expect(results.filter((r) => r.ok && r.action === 'insert')).to.have.length(249);
    const upserts = exchanges.filter((e) => e.url.endsWith('/upsert'));
    expect(upserts.map((e) => (e.requestBody as { data: unknown[] }).data.length)).to.have.members([100, 100, 50]);
    expect(upserts.map((e) => e.status)).to.have.members([201, 207, 201]);

    const again = await new ZohoRecordsApi(clientWith(tokens)).upsert('Accounts', records.slice(0, 5), { duplicateCheckFields: ['Account_Name'] });
    expect(again.every((r) => r.ok && r.action === 'update')).to.equal(true);
  });

  it('lists 2,300 records with page up to 2,000 and page_token after that', async () => {
    const { tokens } = await connect();
    for (let start = 0; start < 2_300; start += 100) {
      const data = Array.from({ length: 100 }, (_, i) => ({ Account_Name: `Acct ${start + i}` }));
      expect((await admin(sim, 'POST', 'records/Accounts', { data })).status).to.be.lessThan(300);
    }
    const seen: string[] = [];
    for await (const page of new ZohoRecordsApi(clientWith(tokens)).list('Accounts', { fields: ['Account_Name'] })) seen.push(...page.map((r) => String(r.id)));
    expect(new Set(seen).size).to.equal(2_300);
    const queries = exchanges.map((e) => new URL(e.url).searchParams);
    expect(queries.filter((q) => q.has('page'))).to.have.length(10);
    expect(queries.filter((q) => q.has('page_token'))).to.have.length(2);
  });

  it('renews the token once on 401 INVALID_TOKEN and reads the edition', async () => {
    const { tokens } = await connect();
    sim.clock.advance(3_600_000 + 1_000);
    const org = await fetchOrg(clientWith(tokens));
    expect(org).to.include({ edition: 'enterprise', users: 10 });
    expect(tokens.renewals).to.equal(1);
    expect(exchanges.map((e) => e.status)).to.deep.equal([401, 200]);
  });

  it('retries 429 and 5xx with backoff, and gives a 4xx back at once', async () => {
    const { tokens } = await connect();
    await admin(sim, 'POST', 'faults', { count: 1, status: 429, code: 'TOO_MANY_REQUESTS', message: 'too many requests' });
    await admin(sim, 'POST', 'faults', { count: 2, status: 500 });
    const org = await fetchOrg(clientWith(tokens));
    expect(org.edition).to.equal('enterprise');
    expect(exchanges.map((e) => e.status)).to.deep.equal([429, 500, 500, 200]);

    exchanges = [];
    const missing = await new ZohoRecordsApi(clientWith(tokens))
      .list('Accounts', { fields: [] })
      .next()
      .then(() => undefined, (err: unknown) => err);
    expect(missing).to.be.instanceOf(ZohoApiError);
    expect((missing as ZohoApiError).code).to.equal('REQUIRED_PARAM_MISSING');
    expect(exchanges).to.have.length(1);
    exchanges = [];
  });

  it('retries a dropped connection; one that outlives the retries is a ZohoNetworkError naming the cause', async () => {
    const { tokens } = await connect();
    await admin(sim, 'POST', 'faults', { mode: 'reset', count: 2 });
    const org = await fetchOrg(clientWith(tokens));
    expect(org.edition).to.equal('enterprise');
    expect(exchanges.map((e) => e.status), 'the two dropped calls got no answer').to.deep.equal([200]);

    const closed = await tokens.current();
    const unreachable = { current: () => Promise.resolve({ ...closed, apiDomain: 'http://127.0.0.1:9' }), renew: () => Promise.reject(new Error('not called')) };
    const budget = ZohoBudget.forEdition('enterprise', 10);
    const failed = await fetchOrg(new ZohoCrmClient({ tokens: unreachable, budget, retry: { retries: 1, minTimeoutMs: 10, maxTimeoutMs: 10 } })).then(() => undefined, (err: unknown) => err);
    expect(failed).to.be.instanceOf(ZohoNetworkError);
    expect((failed as ZohoNetworkError).message).to.match(/^Zoho could not be reached: .*ECONNREFUSED/);
    expect(budget.usage().creditsUsed, 'credits of calls that never reached Zoho are refunded').to.equal(0);
  });

  it('keeps within the edition concurrency: 60 parallel calls at 50 ms draw no 429', async () => {
    const { tokens } = await connect();
    await admin(sim, 'POST', 'settings', { latencyMs: 50, edition: 'free' });
    const budget = ZohoBudget.forEdition('free');
    const client = clientWith(tokens, budget);
    await Promise.all(Array.from({ length: 60 }, () => fetchOrg(client)));
    expect(exchanges.filter((e) => e.status === 429)).to.have.length(0);
    expect(exchanges).to.have.length(60);
    expect(budget.usage().creditsUsed).to.equal(60);
  });

  it('counts the calls at Zoho in the budget while they are there, and starts queued ones when the limits rise', async () => {
    const { tokens } = await connect();
    await admin(sim, 'POST', 'settings', { latencyMs: 300 });
    const budget = new ZohoBudget({ concurrency: 2, complexConcurrency: 2, creditsPerDay: 1_000 });
    const client = clientWith(tokens, budget);
    const calls = Promise.all(Array.from({ length: 5 }, () => fetchOrg(client)));
    await until(() => budget.usage().inFlight === 2, 'two calls at Zoho');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(budget.usage().inFlight, 'two at Zoho, three waiting').to.equal(2);
    budget.setLimits({ concurrency: 5, complexConcurrency: 5, creditsPerDay: 1_000 });
    await until(() => budget.usage().inFlight === 5, 'the waiting three to go when the limit rose');
    await calls;
    expect(budget.usage().inFlight).to.equal(0);
    expect(exchanges).to.have.length(5);
  });

  it('retries the calls an I/O thread took down with it, on a new thread', async () => {
    const { tokens } = await connect();
    await admin(sim, 'POST', 'settings', { latencyMs: 300 });
    const io = new ZohoIoThread();
    const budget = ZohoBudget.forEdition('enterprise', 10);
    const client = new ZohoCrmClient({ tokens, budget, io, retry: { minTimeoutMs: 20, maxTimeoutMs: 50 }, onExchange: (exchange) => exchanges.push(exchange) });
    const calls = Promise.all([fetchOrg(client), fetchOrg(client)]);
    await until(() => budget.usage().inFlight === 2, 'both calls at Zoho');
    await io.close();
    expect(budget.usage().inFlight, 'no slot is held by a dead thread').to.equal(0);
    const orgs = await calls;
    expect(orgs.map((org) => org.edition)).to.deep.equal(['enterprise', 'enterprise']);
    expect(budget.usage().creditsUsed, 'the unanswered calls were refunded').to.equal(2);
    await io.close();
  });
});
