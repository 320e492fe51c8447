import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { startSimZoho, type SimZohoServer } from '@mlc/sim-zoho';
import { startRelay, type RelayProcess } from './harness/processes.js';
import { freePort } from './harness/ports.js';
import { createTenant } from './harness/suite-database.js';

const CLIENT = { clientId: '1000.E2ERELAY', clientSecret: 'e2e-relay-secret' };

interface TokenCall {
  grantType: string;
  outcome: string;
}

async function simJson(sim: SimZohoServer, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sim.baseUrl()}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function refreshCalls(sim: SimZohoServer): Promise<number> {
  const calls = (await simJson(sim, 'GET', 'token-calls')).json['calls'] as TokenCall[];
  return calls.filter((call) => call.grantType === 'refresh_token').length;
}

describe('Zoho across two relay processes on one database', () => {
  let sim: SimZohoServer;
  let relayA: RelayProcess;
  let relayB: RelayProcess;

  before(async () => {
    // The org lives in the EU; the relays start the consent at the US accounts server.
    sim = await startSimZoho({ settings: { autoApprove: true, orgDc: 'eu' } });
    const portA = await freePort();
    const callback = `http://127.0.0.1:${portA}/v1/zoho/oauth/callback`;
    sim.registerClient({ ...CLIENT, redirectUris: [callback] });
    const dcs = ['us', 'eu', 'in', 'au', 'jp', 'ca'] as const;
    const env = {
      ZOHO_CLIENT_ID: CLIENT.clientId,
      ZOHO_CLIENT_SECRET: CLIENT.clientSecret,
      ZOHO_REDIRECT_URI: callback,
      ZOHO_ACCOUNTS_URL: sim.dc('us').accountsServer,
      ZOHO_ACCOUNTS_SERVERS: dcs.map((dc) => sim.dc(dc).accountsServer).join(','),
      ZOHO_WEBHOOK_BASE_URL: `http://127.0.0.1:${portA}`,
      RELAY_MASTER_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
    };
    [relayA, relayB] = await Promise.all([startRelay({ httpPort: portA, env }), startRelay({ env })]);
  });
  after(async () => {
    await Promise.all([relayA?.stop(), relayB?.stop()]);
    await sim?.close();
  });

  it('connects through one, then 100 concurrent calls at token expiry on both cause exactly one refresh', async () => {
    const tenant = await createTenant('zoho');
    const started = await relayA.admin('POST', `/v1/tenants/${tenant.id}/zoho/connect`);
    expect(started.status).to.equal(201);
    const consent = await fetch(String(started.body['authorize_url']), { redirect: 'manual' });
    const callback = await fetch(consent.headers.get('location') ?? '');
    expect(callback.status).to.equal(200);
    expect(await callback.json()).to.deep.equal({ status: 'connected', region: 'eu', edition: 'enterprise' });

    const created = await simJson(sim, 'POST', 'records/Accounts', { Account_Name: 'Across replicas' });
    const id = ((created.json['data'] as Array<{ details: { id: string } }>)[0] as { details: { id: string } }).details.id;
    // The hour passes at Zoho: both processes hold a token Zoho now refuses (401 INVALID_TOKEN).
    sim.clock.advance(3_600_000 + 60_000);
    const before = await refreshCalls(sim);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? relayA : relayB).admin('GET', `/v1/tenants/${tenant.id}/zoho/records/Accounts/${id}`)));
    expect(answers.map((a) => a.status)).to.deep.equal(Array.from({ length: 100 }, () => 200));
    expect((answers[1]?.body['record'] as Record<string, unknown>)['Account_Name']).to.equal('Across replicas');
    expect((await refreshCalls(sim)) - before).to.equal(1);

    const status = await relayB.admin('GET', `/v1/tenants/${tenant.id}/zoho`);
    expect(status.body).to.include({ status: 'connected', region: 'eu', refresh_count: 1 });
  });
});
