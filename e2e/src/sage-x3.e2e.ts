import { spawnSimSageX3, type SimSageX3Process } from '@mlc/sim-sage-x3';
import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { message } from './harness/log-lines.js';
import { AGENT_CLI, enrollAgent, runCli, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';
import { addX3Profiles, X3_APP, X3_BASIC, X3_OAUTH, x3SimArgs } from './harness/x3-profile.js';

const FOLDER = 'ACME';
const CUSTOMERS = `query($filter: String, $first: Int) { sage { x3BusinessPartners { customer(filter: $filter, first: $first) { edges { node { code companyName updateDateTime } } totalCount } } } }`;
const UPDATE = `mutation($code: String!, $limit: Float) { sage { x3BusinessPartners { customer { update(code: $code, data: { creditLimit: $limit }) { code creditLimit } } } } }`;
const ORDER = `mutation($ref: String!) { sage { x3Sales { salesOrder { create(data: { salesSite: "FR011", soldToCustomer: "C000004", orderDate: "2026-03-02", currency: "EUR", customerOrderReference: $ref, lines: [{ product: "BMS001", quantityInSalesUnitOrdered: 2, grossPrice: 10 }] }) { id customerOrderReference } } } } }`;

const READS = { http: [`GET /api1/x3/erp/${FOLDER}/BPCUSTOMER*`, `GET /api1/x3/erp/${FOLDER}/SORDER*`], graphql: ['query:x3BusinessPartners.customer', 'query:x3Sales.salesOrder'] };

describe('Sage X3 commands: relay -> agent -> simulated X3', () => {
  let relay: RelayProcess;
  let sim: SimSageX3Process;
  let agent: AgentProcess;
  let agentId: string;
  let home: string;
  let profiles: { jwt: string; oauth: string };

  const x3 = (path: 'graphql' | 'query', profile: string, body: Record<string, unknown>): ReturnType<RelayProcess['admin']> => relay.admin('POST', `/v1/agents/${agentId}/x3/${path}`, { profile, ...body });
  const graphql = (profile: string, query: string, variables?: Record<string, unknown>, extra: Record<string, unknown> = {}): ReturnType<RelayProcess['admin']> => x3('graphql', profile, { query, variables, ...extra });

  before(async () => {
    sim = await spawnSimSageX3(x3SimArgs(FOLDER, ['--seed', '5', '--customers', '250']));
    relay = await startRelay();
    const tenant = await createTenant('x3');
    ({ home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id)));
    profiles = await addX3Profiles(home, sim, {
      jwt: { http: READS.http, graphql: [...READS.graphql, 'mutation:x3BusinessPartners.customer.update', 'mutation:x3Sales.salesOrder.create'] },
      oauth: READS,
    });
    agent = await startConnectedAgent(home, { env: { MLC_PROFILE_HEALTH_MAX_AGE_MS: '0' } });
  });

  after(async () => {
    await agent?.stop();
    await relay?.stop();
    await sim?.stop();
  });

  it('keeps X3 secrets encrypted at rest and out of the logs, and reports both profiles reachable', async () => {
    const config = await readFile(join(home, 'agent.json'), 'utf8');
    for (const secret of [X3_APP.secret, X3_OAUTH.clientSecret, X3_BASIC.password]) {
      expect(config).not.to.contain(secret);
      expect(agent.logs.raw.join('\n')).not.to.contain(secret);
    }
    expect(agent.logs.find(message('Sage X3 executor configured'))).to.deep.include({ profiles: [profiles.jwt, profiles.oauth] });
    const status = await runCli(AGENT_CLI, ['status', '--json', '--home', home]);
    const parsed = JSON.parse(status.stdout) as { profiles: Array<{ name: string; kind: string; reachable: boolean; detail: string }> };
    expect(parsed.profiles.map((p) => [p.name, p.kind, p.reachable])).to.deep.equal([[profiles.jwt, 'sage-x3', true], [profiles.oauth, 'sage-x3', true]]);
    expect(parsed.profiles[0].detail).to.match(/GraphQL answered in \d+ ms \(jwt auth/);
  });

  it('reads every BPCUSTOMER through api1, following $links.$next page by page', async () => {
    const res = await x3('query', profiles.jwt, { folder: FOLDER, class: 'BPCUSTOMER', count: 100, return_resources: 3 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ resources: 250, pages: 3 });
    const filtered = await x3('query', profiles.oauth, { folder: FOLDER, class: 'SORDER', where: "BPCORD eq 'C000004'" });
    expect(filtered.body['resources']).to.equal(1);
  });

  it('runs GraphQL queries and mutations on both auth modes; the update timestamp moves', async () => {
    const before = await graphql(profiles.oauth, CUSTOMERS, { filter: "{code:'C000004'}" });
    expect(before.status, JSON.stringify(before.body)).to.equal(200);
    const node = (before.body['data'] as { sage: { x3BusinessPartners: { customer: { edges: Array<{ node: { updateDateTime: string } }> } } } }).sage.x3BusinessPartners.customer.edges[0].node;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const updated = await graphql(profiles.jwt, UPDATE, { code: 'C000004', limit: 4242 });
    expect(updated.status, JSON.stringify(updated.body)).to.equal(200);
    const order = await graphql(profiles.jwt, ORDER, { ref: 'ZDEAL-1' });
    expect(JSON.stringify(order.body)).to.match(/"id":"SOFR011\d{6}","customerOrderReference":"ZDEAL-1"/);
    const after = await graphql(profiles.oauth, CUSTOMERS, { filter: `{updateDateTime:{$gt:'${node.updateDateTime}'}}` });
    expect(JSON.stringify(after.body)).to.contain('"code":"C000004"');
  });

  it('the agent\'s policy denies what it does not list, names the rule and logs it', async () => {
    const res = await graphql(profiles.oauth, UPDATE, { code: 'C000004', limit: 1 });
    expect(res.status).to.equal(403);
    expect(res.body).to.include({ error: 'policy_denied' });
    expect(res.body['detail']).to.include({ rule: `policy.x3.${profiles.oauth}.graphql`, operation: 'mutation:x3BusinessPartners.customer.update' });
    const other = await x3('query', profiles.jwt, { folder: FOLDER, class: 'GACCOUNT' });
    expect(other.status).to.equal(403);
    expect(other.body['detail']).to.include({ rule: `policy.x3.${profiles.jwt}.http` });
    await agent.logs.waitFor((line) => typeof line.msg === 'string' && line.msg.startsWith('policy denied') && line['operation'] === 'mutation:x3BusinessPartners.customer.update', 5_000, 'policy denial logged');
  });

  it('X3\'s failures: no pool and a lock are retried to success; errors inside a success are a business error, not retried', async () => {
    await sim.admin('POST', '/faults', { kind: 'no-pool', count: 2 });
    const pooled = await graphql(profiles.jwt, CUSTOMERS, { first: 1 }, { retries: 4 });
    expect(pooled.status, JSON.stringify(pooled.body)).to.equal(200);

    await sim.admin('POST', '/users/CLERK/locks', { entity: 'BPCUSTOMER', key: 'C000004', ttlMs: 1_500 });
    const locked = await graphql(profiles.jwt, UPDATE, { code: 'C000004', limit: 5 }, { retries: 0 });
    expect(locked.status).to.equal(502);
    expect(locked.body).to.include({ retryable: true });
    expect(locked.body['detail']).to.include({ x3_error: 'locked' });
    const retried = await graphql(profiles.jwt, UPDATE, { code: 'C000004', limit: 5 }, { retries: 6 });
    expect(retried.status, JSON.stringify(retried.body)).to.equal(200);

    await sim.admin('POST', '/faults', { kind: 'success-with-errors' });
    const calls = (await sim.admin('GET', '/calls'))['calls'] as unknown[];
    const mixed = await graphql(profiles.jwt, UPDATE, { code: 'C000004', limit: 6 }, { retries: 4 });
    expect(mixed.status).to.equal(422);
    expect(mixed.body).to.include({ error: 'business_error', retryable: false });
    expect(mixed.body['detail']).to.include({ x3_error: 'business', applied: 'true' });
    expect(((await sim.admin('GET', '/calls'))['calls'] as unknown[]).length - calls.length).to.equal(1);
  });

  it('web-service volume: throttling is OVERLOADED (retryable), and reads work again when the period ends', async () => {
    await sim.admin('PATCH', '/settings', { volumeLimitBytes: 1, volumePeriodMs: 3_600_000 });
    await graphql(profiles.jwt, CUSTOMERS, { first: 1 });
    const refused = await graphql(profiles.jwt, CUSTOMERS, { first: 1 });
    expect(refused.status).to.equal(429);
    expect(refused.body).to.include({ retryable: true });
    await sim.admin('PATCH', '/settings', { volumeLimitBytes: 0 });
    expect((await graphql(profiles.jwt, CUSTOMERS, { first: 1 })).status).to.equal(200);
  });

  it('tokens expire every 5 simulated minutes on an accelerated clock: zero failed requests, tokens renewed', async () => {
    await sim.admin('DELETE', '/faults');
    const before = (await sim.admin('GET', '/tokens')) as { refreshes: number; jwtAccepted: number; rejected: Record<string, number> };
    // 120 simulated seconds per real second: a 5-minute token lasts 2.5 s.
    await sim.admin('POST', '/clock', { rate: 120 });
    const failures: string[] = [];
    let requests = 0;
    const deadline = Date.now() + 12_000;
    const worker = async (profile: string, index: number): Promise<void> => {
      while (Date.now() < deadline) {
        const res = index % 2 === 0
          ? await graphql(profile, CUSTOMERS, { first: 5 }, { retries: 0 })
          : await x3('query', profile, { folder: FOLDER, class: 'BPCUSTOMER', where: "left(BPCNUM,5) eq 'C0001'", count: 50, retries: 0 });
        requests += 1;
        if (res.status !== 200) failures.push(`${profile} ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    const jump = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      await sim.admin('POST', '/clock', { advanceMs: 600_000 });
    })();
    await Promise.all([jump, ...[profiles.jwt, profiles.oauth].flatMap((profile) => [0, 1, 2, 3].map((i) => worker(profile, i)))]);
    await sim.admin('POST', '/clock', { rate: 1 });
    const after = (await sim.admin('GET', '/tokens')) as typeof before;
    const refreshes = after.refreshes - before.refreshes;
    const rejected = Object.entries(after.rejected).map(([reason, n]) => `${reason}=${n - (before.rejected[reason] ?? 0)}`).join(' ');
    console.log(`      x3 token run: ${requests} requests, ${failures.length} failed, ${refreshes} refreshes, ${after.jwtAccepted - before.jwtAccepted} JWTs accepted, 401s absorbed: ${rejected}`);
    expect(failures).to.deep.equal([]);
    expect(requests).to.be.greaterThan(100);
    expect(refreshes).to.be.at.least(4);
    const kept = await readFile(join(home, 'x3-tokens.json'), 'utf8');
    expect(kept).to.match(/"refreshToken": "mlc-enc:v1:/);
  });
});
