import { expect } from 'chai';
import type { SimZohoServer } from './sim-zoho.server.js';
import { admin, api, authorize, exchangeCode, http, login, refreshAccess, startTestSim, TEST_CLIENT, tokenRequest } from './sim-test-kit.js';

describe('OAuth ({accounts}/oauth/v2/...)', () => {
  let sim: SimZohoServer;

  beforeEach(async () => {
    sim = await startTestSim({ orgDc: 'eu' });
  });

  afterEach(async () => {
    await sim.close();
  });

  describe('GET /oauth/v2/auth', () => {
    it('shows an approve form unless auto-approve is on, and the form redirects with code, location and accounts-server', async () => {
      await admin(sim, 'POST', 'settings', { autoApprove: false });
      const query = new URLSearchParams({ scope: 'ZohoCRM.modules.ALL', client_id: TEST_CLIENT.clientId, response_type: 'code', access_type: 'offline', redirect_uri: TEST_CLIENT.redirectUri, state: 'xyz' });
      const page = await http(`${sim.dc('us').accountsServer}/oauth/v2/auth?${query}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('Accept');
      const action = /<form method="post" action="([^"]+)"/.exec(page.text)?.[1] ?? '';
      const approve = await http(new URL(action, `${sim.dc('us').accountsServer}/oauth/v2/auth`).toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${query}&decision=accept`,
      });
      expect(approve.status).to.equal(302);
      const location = new URL(approve.headers.get('location') ?? '');
      expect(location.origin + location.pathname).to.equal(TEST_CLIENT.redirectUri);
      expect(location.searchParams.get('state')).to.equal('xyz');
      expect(location.searchParams.get('location')).to.equal('eu');
      expect(location.searchParams.get('accounts-server')).to.equal(sim.dc('eu').accountsServer);
      expect(location.searchParams.get('code')).to.match(/^1000\./);
      const denied = await http(new URL(action, `${sim.dc('us').accountsServer}/oauth/v2/auth`).toString(), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `${query}&decision=deny`,
      });
      const deniedAt = new URL(denied.headers.get('location') ?? '');
      expect(deniedAt.searchParams.get('error')).to.equal('access_denied');
      expect(deniedAt.searchParams.get('state')).to.equal('xyz');
    });

    it('rejects an unknown client and a redirect_uri the client did not register', async () => {
      const unknown = await http(`${sim.dc('us').accountsServer}/oauth/v2/auth?client_id=nope&response_type=code&redirect_uri=${TEST_CLIENT.redirectUri}`);
      expect(unknown.status).to.equal(400);
      const wrongRedirect = await http(`${sim.dc('us').accountsServer}/oauth/v2/auth?client_id=${TEST_CLIENT.clientId}&response_type=code&redirect_uri=http://evil/cb`);
      expect(wrongRedirect.status).to.equal(400);
    });
  });

  describe('POST /oauth/v2/token (authorization_code)', () => {
    it('returns access and refresh tokens with the api_domain of the org DC', async () => {
      const grant = await authorize(sim);
      const token = await exchangeCode(grant);
      expect(token.status).to.equal(200);
      expect(token.json).to.include({ api_domain: sim.dc('eu').apiDomain, token_type: 'Bearer', expires_in: 3600 });
      expect(token.json.access_token).to.match(/^1000\.\w+\.\w+$/);
      expect(token.json.refresh_token).to.match(/^1000\.\w+\.\w+$/);
    });

    it('accepts the parameters in the query string too', async () => {
      const grant = await authorize(sim);
      const query = new URLSearchParams({ grant_type: 'authorization_code', client_id: TEST_CLIENT.clientId, client_secret: TEST_CLIENT.clientSecret, redirect_uri: TEST_CLIENT.redirectUri, code: grant.code });
      const token = await http(`${grant.accountsServer}/oauth/v2/token?${query}`, { method: 'POST' });
      expect(token.json.access_token).to.be.a('string');
    });

    it('uses each code once', async () => {
      const grant = await authorize(sim);
      expect((await exchangeCode(grant)).json.access_token).to.be.a('string');
      const again = await exchangeCode(grant);
      expect(again.status).to.equal(200);
      expect(again.json).to.deep.equal({ error: 'invalid_code' });
    });

    it('expires a code after 3 minutes on the simulated clock', async () => {
      const fresh = await authorize(sim);
      await admin(sim, 'POST', 'clock/advance', { ms: 2 * 60_000 + 59_000 });
      expect((await exchangeCode(fresh)).json.access_token).to.be.a('string');
      const stale = await authorize(sim);
      await admin(sim, 'POST', 'clock/advance', { duration: '3m' });
      expect((await exchangeCode(stale)).json).to.deep.equal({ error: 'invalid_code' });
    });

    it('refuses a code at another DC accounts server than the one it names', async () => {
      const grant = await authorize(sim);
      const wrongDc = await exchangeCode({ ...grant, accountsServer: sim.dc('us').accountsServer });
      expect(wrongDc.json).to.deep.equal({ error: 'invalid_code' });
    });

    it('answers invalid_client for an unknown client and invalid_client_secret for a wrong secret', async () => {
      const grant = await authorize(sim);
      const base = { grant_type: 'authorization_code', redirect_uri: TEST_CLIENT.redirectUri, code: grant.code };
      expect((await tokenRequest(grant.accountsServer, { ...base, client_id: 'nope', client_secret: 'x' })).json).to.deep.equal({ error: 'invalid_client' });
      expect((await tokenRequest(grant.accountsServer, { ...base, client_id: TEST_CLIENT.clientId, client_secret: 'wrong' })).json).to.deep.equal({ error: 'invalid_client_secret' });
    });
  });

  describe('POST /oauth/v2/token (refresh_token)', () => {
    it('returns a new access token and no refresh token', async () => {
      const session = await login(sim);
      const refreshed = await refreshAccess(session.accountsServer, session.refreshToken);
      expect(refreshed.json.access_token).to.be.a('string').and.not.equal(session.accessToken);
      expect(refreshed.json).to.not.have.property('refresh_token');
      expect(refreshed.json.api_domain).to.equal(sim.dc('eu').apiDomain);
    });

    it('throttles the 11th token within 10 minutes with HTTP 200 "Access Denied", then recovers', async () => {
      const session = await login(sim);
      for (let i = 0; i < 10; i += 1) expect((await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token).to.be.a('string');
      const denied = await refreshAccess(session.accountsServer, session.refreshToken);
      expect(denied.status).to.equal(200);
      expect(denied.json).to.include({ error: 'Access Denied', status: 'failure' });
      expect(denied.json.error_description).to.match(/^You have made too many requests continuously/);
      await admin(sim, 'POST', 'clock/advance', { duration: '10m' });
      expect((await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token).to.be.a('string');
    });

    it('keeps 15 live access tokens per refresh token: the 16th kills the oldest (INVALID_OAUTHTOKEN)', async () => {
      const session = await login(sim);
      const tokens = [session.accessToken];
      for (let i = 0; i < 9; i += 1) tokens.push((await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token);
      await admin(sim, 'POST', 'clock/advance', { duration: '11m' });
      for (let i = 0; i < 5; i += 1) tokens.push((await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token);
      expect(tokens).to.have.length(15);
      expect((await api({ ...session, accessToken: tokens[0] }, 'GET', '/crm/v8/org')).status).to.equal(200);
      tokens.push((await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token);
      const oldest = await api({ ...session, accessToken: tokens[0] }, 'GET', '/crm/v8/org');
      expect(oldest.status).to.equal(401);
      expect(oldest.json.code).to.equal('INVALID_OAUTHTOKEN');
      expect((await api({ ...session, accessToken: tokens[1] }, 'GET', '/crm/v8/org')).status).to.equal(200);
      expect((await api({ ...session, accessToken: tokens[15] }, 'GET', '/crm/v8/org')).status).to.equal(200);
    });
  });

  describe('access tokens on the API domain', () => {
    it('expire after one hour on the simulated clock (401 INVALID_TOKEN)', async () => {
      const session = await login(sim);
      await admin(sim, 'POST', 'clock/advance', { ms: 3_599_000 });
      expect((await api(session, 'GET', '/crm/v8/org')).status).to.equal(200);
      await admin(sim, 'POST', 'clock/advance', { ms: 1_000 });
      const expired = await api(session, 'GET', '/crm/v8/org');
      expect(expired.status).to.equal(401);
      expect(expired.json).to.deep.equal({ code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' });
    });

    it('fail on another DC API domain: INVALID_TOKEN by default, INVALID_HOST when configured', async () => {
      const session = await login(sim);
      const onUs = await api({ ...session, apiDomain: sim.dc('us').apiDomain }, 'GET', '/crm/v8/org');
      expect(onUs.status).to.equal(401);
      expect(onUs.json.code).to.equal('INVALID_TOKEN');
      await admin(sim, 'POST', 'settings', { dcMismatchError: 'INVALID_HOST' });
      const invalidHost = await api({ ...session, apiDomain: sim.dc('in').apiDomain }, 'GET', '/crm/v8/org');
      expect(invalidHost.status).to.equal(400);
      expect(invalidHost.json.code).to.equal('INVALID_HOST');
      expect((await api(session, 'GET', '/crm/v8/org')).status).to.equal(200);
    });

    it('needs the Zoho-oauthtoken header and the right scope', async () => {
      const missing = await http(`${sim.dc('eu').apiDomain}/crm/v8/org`);
      expect(missing.status).to.equal(401);
      expect(missing.json.code).to.equal('AUTHENTICATION_FAILURE');
      const session = await login(sim, ['ZohoCRM.modules.accounts.READ']);
      expect((await api(session, 'GET', '/crm/v8/Accounts?fields=Account_Name')).status).to.equal(204);
      const noScope = await api(session, 'GET', '/crm/v8/Contacts?fields=Last_Name');
      expect(noScope.status).to.equal(401);
      expect(noScope.json.code).to.equal('OAUTH_SCOPE_MISMATCH');
    });
  });

  describe('POST /oauth/v2/token/revoke', () => {
    it('revokes a refresh token and the access tokens minted from it', async () => {
      const session = await login(sim);
      const revoked = await http(`${session.accountsServer}/oauth/v2/token/revoke?token=${session.refreshToken}`, { method: 'POST' });
      expect(revoked.json).to.deep.equal({ status: 'success' });
      expect((await refreshAccess(session.accountsServer, session.refreshToken)).json).to.deep.equal({ error: 'invalid_code' });
      expect((await api(session, 'GET', '/crm/v8/org')).json.code).to.equal('INVALID_TOKEN');
    });
  });
  describe('GET /__admin/token-calls', () => {
    it('logs every token endpoint call with its grant type and outcome', async () => {
      const session = await login(sim);
      await refreshAccess(session.accountsServer, session.refreshToken);
      await refreshAccess(session.accountsServer, 'not-a-token');
      const calls = (await admin(sim, 'GET', 'token-calls')).json.calls as { dc: string; grantType: string; outcome: string }[];
      expect(calls.map((call) => [call.dc, call.grantType, call.outcome])).to.deep.equal([
        ['eu', 'authorization_code', 'ok'],
        ['eu', 'refresh_token', 'ok'],
        ['eu', 'refresh_token', 'invalid_code'],
      ]);
    });
  });
});
