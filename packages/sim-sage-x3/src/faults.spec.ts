import { expect } from 'chai';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import { api1, graphql, http, signAppJwt, startTestSim } from './sim-test-kit.js';

const UPDATE = `mutation { sage { x3BusinessPartners { customer { update(code: "C000001", data: { creditLimit: 1234 }) { code creditLimit } } } } }`;
const admin = (sim: SimSageX3Server, method: string, path: string, body?: unknown): ReturnType<typeof http> =>
  http(`${sim.url}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

describe('sim-sage-x3: failure modes and the admin API', () => {
  let sim: SimSageX3Server;
  let token: string;
  beforeEach(async () => {
    sim = await startTestSim({ customers: 5 });
    token = await signAppJwt(sim);
  });
  afterEach(() => sim.close());

  it('no web-service pool: HTTP 500 "No Web services accepted" on both APIs, then normal again', async () => {
    await admin(sim, 'POST', 'faults', { kind: 'no-pool', count: 2 });
    const rest = await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query');
    expect(rest.status).to.equal(500);
    expect(rest.json.$diagnoses[0].$message).to.equal('No Web services accepted');
    expect((await graphql(sim, token, UPDATE)).status).to.equal(500);
    expect((await graphql(sim, token, UPDATE)).status).to.equal(200);
  });

  it('a record locked by another user\'s session refuses the update until the lock goes', async () => {
    await admin(sim, 'POST', 'users/CLERK/locks', { entity: 'BPCUSTOMER', key: 'C000001', ttlMs: 60_000 });
    const locked = await graphql(sim, token, UPDATE);
    expect(locked.json.errors[0].message).to.match(/locked by user CLERK/);
    sim.clock.advance(61_000);
    expect((await graphql(sim, token, UPDATE)).json.data.sage.x3BusinessPartners.customer.update.creditLimit).to.equal(1234);
    await admin(sim, 'POST', 'users/CLERK/locks', { entity: 'BPCUSTOMER', key: 'C000001' });
    await admin(sim, 'DELETE', 'users/CLERK/locks');
    expect((await graphql(sim, token, UPDATE)).json.errors).to.equal(undefined);
  });

  it('success with error messages: the change is saved, and the answer carries an error diagnosis', async () => {
    await admin(sim, 'POST', 'faults', { kind: 'success-with-errors' });
    const res = await graphql(sim, token, UPDATE);
    expect(res.status).to.equal(200);
    expect(res.json.data.sage.x3BusinessPartners.customer.update.creditLimit).to.equal(1234);
    expect(res.json.extensions.diagnoses[0]).to.include({ severity: 'error' });
    expect(sim.store.customer('C000001')?.OSTAUZ).to.equal(1234);
  });

  it('web-service volume: slows down near the licence limit, then refuses until the period ends', async () => {
    await admin(sim, 'PATCH', 'settings', { volumeLimitBytes: 3000, volumeGraceRatio: 0.5, volumeGraceDelayMs: 150, volumePeriodMs: 3_600_000 });
    const timings: number[] = [];
    let refused = 0;
    for (let i = 0; i < 12; i += 1) {
      const started = performance.now();
      const res = await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query&count=2');
      timings.push(performance.now() - started);
      if (res.status === 503) refused += 1;
    }
    expect(refused).to.be.greaterThan(0);
    expect(Math.max(...timings)).to.be.greaterThan(140);
    expect(((await admin(sim, 'GET', 'state')).json.volume as { state: string }).state).to.equal('exceeded');
    sim.clock.advance(3_600_001);
    expect((await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query&count=2')).status).to.equal(200);
  });

  it('acting as an X3 user moves UPDDATTIM and UPDUSR; the clock can jump and run faster', async () => {
    const before = (await api1(sim, "BPCUSTOMER('C000002')?representation=BPCUSTOMER.$details")).json;
    await admin(sim, 'POST', 'clock', { advanceMs: 3_600_000 });
    const changed = await admin(sim, 'PATCH', 'users/CLERK/customers/C000002', { BPCNAM: 'Renamed by a clerk' });
    expect(changed.json).to.include({ UPDUSR: 'CLERK', BPCNAM: 'Renamed by a clerk' });
    const after = (await api1(sim, "BPCUSTOMER('C000002')?representation=BPCUSTOMER.$details")).json;
    expect(Date.parse(after.UPDDATTIM) - Date.parse(before.UPDDATTIM)).to.be.greaterThan(3_500_000);
    expect(after.$etag).to.equal(before.$etag + 1);
    const created = await admin(sim, 'POST', 'users/CLERK/customers', { BPCNAM: 'Walk-in customer' });
    expect(created.json['BPCNUM']).to.match(/^C\d{6}$/);
    const fast = await admin(sim, 'POST', 'clock', { rate: 600 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.clock.now() - fast.json.nowMs).to.be.greaterThan(50_000);
  });
});
