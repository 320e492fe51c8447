import { expect } from 'chai';
import { createServer, type AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { SimZohoServer } from '@mlc/sim-zoho';
import { admin as simAdmin, startTestSim } from '@mlc/sim-zoho/test-kit';
import { MasterKeyCipher } from './master-key.cipher.js';
import { startZohoTestRelay, type ZohoTestRelay } from './testing/zoho-relay.fixture.js';
import { refreshContext } from './zoho-token.service.js';

interface TokenCall {
  dc: string;
  grantType: string;
  outcome: string;
}

async function tokenCalls(sim: SimZohoServer): Promise<TokenCall[]> {
  return (await simAdmin(sim, 'GET', 'token-calls')).json.calls as TokenCall[];
}

async function seedAccount(sim: SimZohoServer, name: string): Promise<string> {
  const created = await simAdmin(sim, 'POST', 'records/Accounts', { Account_Name: name });
  return created.json.data[0].details.id as string;
}

/** A loopback port nothing listens on (just freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Zoho connect and token lifecycle (real PostgreSQL, sim-zoho over HTTP)', () => {
  let sim: SimZohoServer;
  let relay: ZohoTestRelay;
  let replicaB: ZohoTestRelay;

  before(async () => {
    // The org lives in the EU: the relay starts at the US accounts server and must follow the redirect.
    sim = await startTestSim({ orgDc: 'eu' });
    relay = await startZohoTestRelay(sim);
    replicaB = await startZohoTestRelay(sim);
  });
  after(async () => {
    await replicaB?.close();
    await relay?.close();
    await sim?.close();
  });

  it('connects over HTTP: exchanges the code at the accounts server Zoho names, stores the tokens sealed, reports region and edition', async () => {
    const tenant = await relay.createTenant('zc');
    const connected = await relay.connect(tenant);
    expect(connected.status, JSON.stringify(connected.body)).to.equal(200);
    expect(connected.body).to.deep.equal({ status: 'connected', region: 'eu', edition: 'enterprise' });
    const exchanges = (await tokenCalls(sim)).filter((c) => c.grantType === 'authorization_code');
    expect(exchanges.at(-1)).to.deep.equal({ ...exchanges.at(-1), dc: 'eu', outcome: 'ok' });

    const status = await relay.admin('GET', `/v1/tenants/${tenant}/zoho`);
    expect(status.body).to.include({ status: 'connected', region: 'eu', edition: 'enterprise', api_domain: sim.dc('eu').apiDomain, accounts_server: sim.dc('eu').accountsServer });

    const [row] = await relay.relay.app.get(DataSource).query(`SELECT refresh_token_ciphertext, refresh_token_key_id FROM zoho_connection WHERE tenant_id = $1`, [tenant]);
    expect(row.refresh_token_key_id).to.equal('k2');
    const refreshToken = relay.relay.app.get(MasterKeyCipher).open({ keyId: row.refresh_token_key_id, ciphertext: row.refresh_token_ciphertext }, refreshContext(tenant));
    expect(refreshToken).to.match(/^1000\./);
    expect(row.refresh_token_ciphertext).to.not.contain(refreshToken);
    expect(relay.logs.join('\n')).to.not.contain(refreshToken);
    // Sealed for this tenant only: the same ciphertext does not open in another tenant's context.
    expect(() => relay.relay.app.get(MasterKeyCipher).open({ keyId: 'k2', ciphertext: row.refresh_token_ciphertext }, refreshContext('other'))).to.throw(/does not open/);
  });

  it('refuses a replayed callback, a forged state and an accounts server that is not Zoho\'s', async () => {
    const tenant = await relay.createTenant('zc-bad');
    const started = await relay.admin('POST', `/v1/tenants/${tenant}/zoho/connect`);
    const url = new URL(started.body.authorize_url as string);
    expect(url.searchParams.get('access_type')).to.equal('offline');
    expect(url.searchParams.get('prompt')).to.equal('consent');
    expect(url.searchParams.get('scope')?.split(',')).to.include.members(['ZohoCRM.modules.ALL', 'ZohoCRM.notifications.ALL', 'ZohoCRM.org.ALL']);
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location') ?? '');
    const before = (await tokenCalls(sim)).length;

    const evil = new URL(back);
    evil.searchParams.set('accounts-server', 'https://accounts.evil.example');
    const refusedServer = await relay.request('GET', `${evil.pathname}${evil.search}`);
    expect(refusedServer.status).to.equal(400);
    // The state is spent by that attempt, and no code ever went anywhere.
    expect((await relay.request('GET', `${back.pathname}${back.search}`)).status).to.equal(403);
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-a-state-we-issued');
    expect((await relay.request('GET', `${forged.pathname}${forged.search}`)).status).to.equal(403);
    expect((await relay.request('GET', '/v1/zoho/oauth/callback?code=x')).status).to.equal(400);
    expect((await tokenCalls(sim)).length).to.equal(before);
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho`)).status).to.equal(404);
  });

  it('two replicas, 100 concurrent calls with an expired token: exactly one refresh, every call answered', async () => {
    const tenant = await relay.createTenant('zc-flight');
    expect((await relay.connect(tenant)).status).to.equal(200);
    const id = await seedAccount(sim, 'Single Flight');
    // Zoho's clock passes the hour: every replica's stored token is now refused with 401 INVALID_TOKEN.
    sim.clock.advance(3_600_000 + 60_000);
    const before = (await tokenCalls(sim)).filter((c) => c.grantType === 'refresh_token').length;
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? relay : replicaB).admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`)));
    expect(answers.map((a) => a.status)).to.deep.equal(Array.from({ length: 100 }, () => 200));
    expect(answers[99]?.body.record.Account_Name).to.equal('Single Flight');
    const refreshes = (await tokenCalls(sim)).filter((c) => c.grantType === 'refresh_token').length - before;
    expect(refreshes).to.equal(1);
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho`)).body.refresh_count).to.equal(1);
  });

  it('refreshes proactively before expiry (~55 min), on whichever replica asks first', async () => {
    const tenant = await relay.createTenant('zc-early');
    expect((await relay.connect(tenant)).status).to.equal(200);
    const id = await seedAccount(sim, 'Early');
    const db = relay.relay.app.get(DataSource);
    await db.query(`UPDATE zoho_connection SET access_token_expires_at = now() + interval '4 minutes' WHERE tenant_id = $1`, [tenant]);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? relay : replicaB).admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`)));
    expect(answers.every((a) => a.status === 200)).to.equal(true);
    const [row] = await db.query(`SELECT refresh_count, access_token_expires_at FROM zoho_connection WHERE tenant_id = $1`, [tenant]);
    expect(row.refresh_count).to.equal(1);
    expect(new Date(row.access_token_expires_at).getTime() - Date.now()).to.be.greaterThan(50 * 60_000);
  });

  it('a revoked refresh token marks the tenant "reconnect Zoho" and stops calling Zoho (no retry storm)', async () => {
    const tenant = await relay.createTenant('zc-revoked');
    expect((await relay.connect(tenant)).status).to.equal(200);
    const id = await seedAccount(sim, 'Revoked');
    const db = relay.relay.app.get(DataSource);
    const [row] = await db.query(`SELECT refresh_token_ciphertext, refresh_token_key_id, accounts_server FROM zoho_connection WHERE tenant_id = $1`, [tenant]);
    const refreshToken = relay.relay.app.get(MasterKeyCipher).open({ keyId: row.refresh_token_key_id, ciphertext: row.refresh_token_ciphertext }, refreshContext(tenant));
    await fetch(`${row.accounts_server}/oauth/v2/token/revoke?token=${encodeURIComponent(refreshToken)}`, { method: 'POST' });
    const before = (await tokenCalls(sim)).length;

    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? relay : replicaB).admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`)));
    expect(new Set(answers.map((a) => a.status))).to.deep.equal(new Set([409]));
    expect(answers[0]?.body.detail.reason).to.equal('zoho_reconnect_required');
    const calls = (await tokenCalls(sim)).slice(before);
    expect(calls).to.deep.equal([{ ...calls[0], grantType: 'refresh_token', outcome: 'invalid_code' }]);
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho`)).body.status).to.equal('reconnect_required');

    // Reconnecting heals it.
    expect((await relay.connect(tenant)).status).to.equal(200);
    expect((await replicaB.admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`)).status).to.equal(200);
  });

  it('an accounts server out of reach at refresh time is "Zoho unavailable" (try later), not a broken connection', async () => {
    const tenant = await relay.createTenant('zc-unreachable');
    expect((await relay.connect(tenant)).status).to.equal(200);
    const id = await seedAccount(sim, 'Unreachable');
    const db = relay.relay.app.get(DataSource);
    const [row] = await db.query(`SELECT accounts_server FROM zoho_connection WHERE tenant_id = $1`, [tenant]);
    await db.query(`UPDATE zoho_connection SET accounts_server = $2, access_token_expires_at = now() WHERE tenant_id = $1`, [tenant, `http://127.0.0.1:${await closedPort()}`]);

    const refused = await relay.admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(503);
    expect(refused.body.detail.reason).to.equal('zoho_unavailable');
    expect(refused.body.message).to.match(/^Zoho did not refresh the access token: Zoho could not be reached: .*ECONNREFUSED/);
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho`)).body.status).to.equal('connected');

    await db.query(`UPDATE zoho_connection SET accounts_server = $2 WHERE tenant_id = $1`, [tenant, row.accounts_server]);
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/${id}`)).status).to.equal(200);
  });

  it('disconnect revokes the refresh token at Zoho and forgets the tokens', async () => {
    const tenant = await relay.createTenant('zc-off');
    expect((await relay.connect(tenant)).status).to.equal(200);
    expect((await relay.admin('DELETE', `/v1/tenants/${tenant}/zoho`)).status).to.equal(200);
    const status = await relay.admin('GET', `/v1/tenants/${tenant}/zoho`);
    expect(status.body.status).to.equal('disconnected');
    const [row] = await relay.relay.app.get(DataSource).query(`SELECT refresh_token_ciphertext, access_token_ciphertext FROM zoho_connection WHERE tenant_id = $1`, [tenant]);
    expect(row).to.deep.equal({ refresh_token_ciphertext: null, access_token_ciphertext: null });
    expect((await relay.admin('GET', `/v1/tenants/${tenant}/zoho/records/Accounts/1`)).status).to.equal(404);
    expect((await relay.request('GET', `/v1/tenants/${tenant}/zoho`)).status).to.equal(401);
  });
});
