import { startSimSageX3, type SimSageX3Server } from '@mlc/sim-sage-x3';
import { expect } from 'chai';
import { ConnectedAppJwtAuth, RefreshTokenAuth, ServerClock } from './x3-auth.js';
import { X3HttpClient } from './x3-http.client.js';
import { classifyX3Response } from './x3-response.js';

const APP = { clientId: 'mlc', secret: 'connected-app-secret-0123456789', user: 'API_USER', tokenValiditySeconds: 300 };
const CLIENT = { clientId: 'mlc-oauth', clientSecret: 'oauth-secret' };
const QUERY = JSON.stringify({ query: '{ sage { x3BusinessPartners { customer(first: 1) { totalCount } } } }' });

async function graphqlOk(client: X3HttpClient): Promise<boolean> {
  const res = await client.request({ method: 'POST', path: '/xtrem/api', headers: { 'content-type': 'application/json' }, body: QUERY });
  return classifyX3Response(res.status, JSON.parse(res.body.toString('utf8'))).kind === 'ok';
}

describe('@mlc/sage-x3: tokens against sim-sage-x3', () => {
  let sim: SimSageX3Server;
  beforeEach(async () => {
    sim = await startSimSageX3({ customers: 3, apps: [APP], clients: [CLIENT] });
  });
  afterEach(() => sim.close());

  it('re-signs connected-app JWTs as the server\'s clock passes 5 minutes, with no failed request', async () => {
    const clock = new ServerClock();
    const auth = new ConnectedAppJwtAuth({ ...APP, audience: sim.xtremUrl, lifetimeSeconds: 300, clock });
    const client = new X3HttpClient({ baseUrl: sim.url, auth, clock });
    for (let i = 0; i < 12; i += 1) {
      expect(await graphqlOk(client)).to.equal(true);
      sim.clock.advance(60_000);
    }
    expect(auth.signed).to.be.greaterThan(2);
  });

  it('tolerates a client clock 2 minutes ahead: the first 401 teaches the skew, then iat is right', async () => {
    const clock = new ServerClock(() => Date.now() + 120_000);
    const auth = new ConnectedAppJwtAuth({ ...APP, audience: sim.xtremUrl, lifetimeSeconds: 300, clock });
    const client = new X3HttpClient({ baseUrl: sim.url, auth, clock });
    for (let i = 0; i < 5; i += 1) expect(await graphqlOk(client)).to.equal(true);
    expect(Math.round(clock.skewMs / 1000)).to.be.within(-121, -119);
    expect(sim.auth.counters.rejected['iat-in-future'] ?? 0).to.be.at.most(1);
  });

  it('refreshes once for 50 concurrent requests after the access token expired, and keeps the rotated refresh token', async () => {
    const paired = (await (await fetch(`${sim.url}/__admin/users/API_USER/pair`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT.clientId }) })).json()) as { refresh_token: string };
    const kept: string[] = [];
    const auth = new RefreshTokenAuth({ tokenUrl: `${sim.url}/v1/token`, ...CLIENT, refreshToken: paired.refresh_token, onRefreshToken: async (token) => void kept.push(token) });
    const client = new X3HttpClient({ baseUrl: sim.url, auth, clock: new ServerClock() });
    expect(await graphqlOk(client)).to.equal(true);
    sim.clock.advance(301_000);
    const results = await Promise.all(Array.from({ length: 50 }, () => graphqlOk(client)));
    expect(results.every(Boolean)).to.equal(true);
    expect(auth.refreshes).to.equal(2);
    expect(kept).to.have.length(2);
    expect(sim.auth.counters.refreshes).to.equal(2);
  });

  it('classifies X3 answers: pool, volume, lock, business, success with errors', () => {
    expect(classifyX3Response(500, { $diagnoses: [{ $severity: 'error', $message: 'No Web services accepted' }] }).kind).to.equal('no-pool');
    expect(classifyX3Response(503, {}).kind).to.equal('throttled');
    expect(classifyX3Response(200, { errors: [{ message: 'BPCUSTOMER C1: record locked by user CLERK' }] }).kind).to.equal('locked');
    expect(classifyX3Response(200, { errors: [{ message: 'Sold-to customer X: record does not exist' }] })).to.deep.equal({ kind: 'business', message: 'Sold-to customer X: record does not exist', applied: false });
    expect(classifyX3Response(200, { data: {}, extensions: { diagnoses: [{ severity: 'error', message: 'saved, but' }] } })).to.include({ kind: 'business', applied: true });
    expect(classifyX3Response(200, { $resources: [], $diagnoses: [{ $severity: 'warning', $message: 'fine' }] }).kind).to.equal('ok');
    expect(classifyX3Response(500, { $diagnoses: [{ $severity: 'error', $message: 'where: unknown property NOPE' }] }).kind).to.equal('invalid');
  });
});
