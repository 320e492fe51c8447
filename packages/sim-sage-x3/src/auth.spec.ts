import { expect } from 'chai';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import { CLIENT, graphql, http, signAppJwt, startTestSim } from './sim-test-kit.js';

const PING = '{ sage { x3BusinessPartners { customer(first: 1) { totalCount } } } }';

describe('sim-sage-x3: authentication', () => {
  let sim: SimSageX3Server;
  beforeEach(async () => {
    sim = await startTestSim({ customers: 3 });
  });
  afterEach(() => sim.close());

  describe('connected-app JWT (HS256, signed by the client)', () => {
    it('accepts a fresh token and refuses it once 5 minutes have passed on the server', async () => {
      const token = await signAppJwt(sim);
      expect((await graphql(sim, token, PING)).status).to.equal(200);
      sim.clock.advance(301_000);
      const expired = await graphql(sim, token, PING);
      expect(expired.status).to.equal(401);
      expect(sim.auth.counters.rejected['expired']).to.equal(1);
    });

    it('refuses an iat in the future (client clock ahead) and tells the server time in Date', async () => {
      const ahead = await signAppJwt(sim, sim.clock.now() + 120_000);
      const res = await graphql(sim, ahead, PING);
      expect(res.status).to.equal(401);
      expect(res.json.$diagnoses[0].$message).to.match(/future/);
      expect(Math.abs(Date.parse(res.headers.get('date') ?? '') - sim.clock.now())).to.be.lessThan(2_000);
    });

    it('refuses a lifetime over the application\'s validity, a wrong secret and a wrong endpoint', async () => {
      expect((await graphql(sim, await signAppJwt(sim, undefined, 3600), PING)).status).to.equal(401);
      expect((await graphql(sim, await signAppJwt(sim, undefined, 300, 'not-the-secret-at-all-0123456789'), PING)).status).to.equal(401);
      const res = await http(sim.xtremUrl, { method: 'POST', headers: { authorization: `Bearer ${await signAppJwt(sim)}`, 'content-type': 'application/json', 'x-xtrem-endpoint': 'OTHER' }, body: JSON.stringify({ query: PING }) });
      expect(res.status).to.equal(400);
      expect(sim.auth.counters.rejected).to.include({ lifetime: 1, 'bad-signature': 1 });
    });
  });

  describe('access token (5 min) + refresh token (30 days)', () => {
    const token = (body: Record<string, string>): ReturnType<typeof http> => http(`${sim.url}/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret, ...body }) });

    it('exchanges a user\'s authorization code once, then refreshes with rotation', async () => {
      const { code } = (await (await fetch(`${sim.url}/__admin/users/API_USER/authorize`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT.clientId }) })).json()) as { code: string };
      const first = await token({ grant_type: 'authorization_code', code });
      expect(first.json).to.include({ token_type: 'Bearer', expires_in: 300, refresh_token_expires_in: 2_592_000 });
      expect((await token({ grant_type: 'authorization_code', code })).json.error).to.equal('invalid_grant');
      expect((await graphql(sim, first.json.access_token, PING)).status).to.equal(200);

      sim.clock.advance(300_500);
      expect((await graphql(sim, first.json.access_token, PING)).status).to.equal(401);
      const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token });
      expect(refreshed.status).to.equal(200);
      expect(refreshed.json.refresh_token).not.to.equal(first.json.refresh_token);
      expect((await graphql(sim, refreshed.json.access_token, PING)).status).to.equal(200);
      expect((await token({ grant_type: 'refresh_token', refresh_token: first.json.refresh_token })).json.error).to.equal('invalid_grant');
      expect(sim.auth.counters).to.include({ refreshes: 1, accessTokensIssued: 2 });
    });

    it('lets a refresh token die after 30 days', async () => {
      const paired = (await (await fetch(`${sim.url}/__admin/users/API_USER/pair`, { method: 'POST', body: JSON.stringify({ client_id: CLIENT.clientId }) })).json()) as { refresh_token: string };
      sim.clock.advance(30 * 86_400_000 + 1_000);
      expect((await token({ grant_type: 'refresh_token', refresh_token: paired.refresh_token })).json.error).to.equal('invalid_grant');
    });
  });
});
