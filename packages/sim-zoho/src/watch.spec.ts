import { expect } from 'chai';
import { zohoDateTime } from './sim-clock.js';
import type { SimZohoServer } from './sim-zoho.server.js';
import { admin, api, login, refreshAccess, startCallbackReceiver, startTestSim, type CallbackReceiver, type Session } from './sim-test-kit.js';

describe('notifications (/crm/v8/actions/watch)', () => {
  let sim: SimZohoServer;
  let session: Session;
  let receiver: CallbackReceiver;

  beforeEach(async () => {
    sim = await startTestSim();
    session = await login(sim);
    receiver = await startCallbackReceiver();
  });

  afterEach(async () => {
    await sim.close();
    await receiver.close();
  });

  function enable(channelId: number, events: string[], extra: Record<string, unknown> = {}) {
    return api(session, 'POST', '/crm/v8/actions/watch', { watch: [{ channel_id: channelId, events, notify_url: receiver.url, token: 'verify-me', ...extra }] });
  }

  async function settled(): Promise<void> {
    await admin(sim, 'GET', 'callbacks?wait=1');
  }

  it('enables a channel (201) with a default expiry of one hour and lists it', async () => {
    const enabled = await enable(1000000068001, ['Accounts.all', 'Purchase_Orders.create']);
    expect(enabled.status).to.equal(201);
    const [item] = enabled.json.watch;
    expect(item).to.include({ code: 'SUCCESS', message: 'Successfully subscribed for actions-watch of the given module', status: 'success' });
    expect(item.details.events.map((event: { resource_name: string }) => event.resource_name)).to.deep.equal(['Accounts', 'Purchase_Orders']);
    const now = (await admin(sim, 'GET', 'clock')).json.now as number;
    expect(Date.parse(item.details.events[0].channel_expiry)).to.be.closeTo(now + 3_600_000, 2_000);
    const listed = await api(session, 'GET', '/crm/v8/actions/watch?module=Accounts');
    expect(listed.status).to.equal(200);
    expect(listed.json.watch).to.have.length(1);
    expect(listed.json.watch[0]).to.include({ channel_id: '1000000068001', notify_url: receiver.url, token: 'verify-me', resource_name: 'Accounts' });
    expect(listed.json.watch[0].events).to.deep.equal(['Accounts.all']);
  });

  it('refuses a token over 50 characters and an expiry beyond the configured maximum', async () => {
    const longToken = await enable(1, ['Accounts.all'], { token: 'x'.repeat(51) });
    expect(longToken.status).to.equal(202);
    expect(longToken.json.watch[0]).to.include({ code: 'INVALID_DATA' });
    expect(longToken.json.watch[0].details).to.include({ api_name: 'token' });
    const now = (await admin(sim, 'GET', 'clock')).json.now as number;
    const inThreeDays = zohoDateTime(now + 3 * 86_400_000);
    expect((await enable(2, ['Accounts.all'], { channel_expiry: inThreeDays })).json.watch[0].details).to.include({ api_name: 'channel_expiry' });
    await admin(sim, 'POST', 'settings', { maxChannelExpiryMs: 7 * 86_400_000 });
    expect((await enable(2, ['Accounts.all'], { channel_expiry: inThreeDays })).status).to.equal(201);
  });

  it('POSTs ID-only callbacks for create, edit and delete, through the API and by a user', async () => {
    await enable(42, ['Accounts.all']);
    const created = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'A' }, { Account_Name: 'B' }] });
    const ids = created.json.data.map((item: { details: { id: string } }) => item.details.id);
    await settled();
    await admin(sim, 'PUT', `records/Accounts/${ids[0]}`, { Phone: '+33 1' });
    await settled();
    await api(session, 'DELETE', `/crm/v8/Accounts?ids=${ids[1]}`);
    await settled();
    const bodies = receiver.received.map((entry) => entry.body);
    expect(bodies.map((body) => body.operation)).to.deep.equal(['insert', 'update', 'delete']);
    expect(bodies[0]).to.have.all.keys('server_time', 'query_params', 'module', 'resource_uri', 'ids', 'affected_fields', 'operation', 'channel_id', 'token');
    expect(bodies[0]).to.deep.include({ module: 'Accounts', ids, affected_fields: [], channel_id: '42', token: 'verify-me', query_params: { tenant: 't1' } });
    expect(bodies[0].resource_uri).to.equal(`${sim.dc('us').apiDomain}/crm/v8/Accounts`);
    expect(bodies[0].server_time).to.be.a('number');
    expect(bodies[0]).to.not.have.property('data');
    expect(bodies[1]).to.deep.include({ ids: [ids[0]], affected_fields: [{ [ids[0]]: ['Phone'] }] });
    expect(bodies[2]).to.deep.include({ ids: [ids[1]] });
  });

  it('sends only the subscribed events', async () => {
    await enable(7, ['Accounts.create']);
    const created = await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'A' }] });
    await api(session, 'PUT', `/crm/v8/Accounts/${created.json.data[0].details.id}`, { data: [{ Phone: '1' }] });
    await api(session, 'POST', '/crm/v8/Contacts', { data: [{ Last_Name: 'C' }] });
    await settled();
    expect(receiver.received.map((entry) => entry.body.operation)).to.deep.equal(['insert']);
  });

  it('expires channels on the simulated clock and renews them with PATCH', async () => {
    await enable(1, ['Accounts.all']);
    await enable(2, ['Accounts.all']);
    await admin(sim, 'POST', 'clock/advance', { duration: '50m' });
    const now = (await admin(sim, 'GET', 'clock')).json.now as number;
    const renewed = await api(session, 'PATCH', '/crm/v8/actions/watch', { watch: [{ channel_id: 2, notify_url: receiver.url, channel_expiry: zohoDateTime(now + 2 * 3_600_000) }] });
    expect(renewed.status).to.equal(200);
    await admin(sim, 'POST', 'clock/advance', { duration: '15m' });
    await admin(sim, 'POST', 'records/Accounts', { Account_Name: 'After expiry' });
    await settled();
    expect(receiver.received.map((entry) => entry.body.channel_id)).to.deep.equal(['2']);
    // The access token has expired by now too (one hour), so refresh it first.
    const fresh = { ...session, accessToken: (await refreshAccess(session.accountsServer, session.refreshToken)).json.access_token as string };
    const listed = await api(fresh, 'GET', '/crm/v8/actions/watch');
    expect(listed.json.watch.map((entry: { channel_id: string }) => entry.channel_id)).to.deep.equal(['2']);
  });

  it('drops events with PATCH _delete_events, replaces with PUT and disables with DELETE ?channel_ids=', async () => {
    await enable(5, ['Accounts.all', 'Contacts.all']);
    const withoutUrl = await api(session, 'PATCH', '/crm/v8/actions/watch', { watch: [{ channel_id: 5, events: ['Contacts.all'], _delete_events: true }] });
    expect(withoutUrl.status).to.equal(202);
    expect(withoutUrl.json.watch[0]).to.include({ code: 'MANDATORY_NOT_FOUND' });
    const dropped = await api(session, 'PATCH', '/crm/v8/actions/watch', { watch: [{ channel_id: 5, notify_url: receiver.url, events: ['Contacts.all'], _delete_events: true }] });
    expect(dropped.json.watch[0].message).to.equal('Successfully removed the subscribe details');
    const listed = await api(session, 'GET', '/crm/v8/actions/watch?channel_id=5');
    expect(listed.json.watch.map((entry: { resource_name: string }) => entry.resource_name)).to.deep.equal(['Accounts']);
    const replaced = await api(session, 'PUT', '/crm/v8/actions/watch', { watch: [{ channel_id: 5, events: ['Deals.edit'], notify_url: receiver.url }] });
    expect(replaced.status).to.equal(200);
    expect((await api(session, 'GET', '/crm/v8/actions/watch?channel_id=5')).json.watch[0]).to.deep.include({ events: ['Deals.edit'], token: null });
    const disabled = await api(session, 'DELETE', '/crm/v8/actions/watch?channel_ids=5');
    expect(disabled.json.watch[0].message).to.equal('Successfully un-subscribed from actions-watch');
    expect((await api(session, 'GET', '/crm/v8/actions/watch')).status).to.equal(204);
    await api(session, 'POST', '/crm/v8/Deals', { data: [{ Deal_Name: 'D', Stage: 'Qualification' }] });
    await settled();
    expect(receiver.received).to.have.length(0);
  });

  it('loses callbacks at the configured drop rate and logs them', async () => {
    await admin(sim, 'POST', 'settings', { callbackDropRate: 1 });
    await enable(9, ['Accounts.all']);
    await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Lost' }] });
    const log = await admin(sim, 'GET', 'callbacks?wait=1');
    expect(receiver.received).to.have.length(0);
    expect(log.json.callbacks.map((entry: { outcome: unknown }) => entry.outcome)).to.deep.equal(['dropped']);
    await admin(sim, 'POST', 'settings', { callbackDropRate: 0 });
    await api(session, 'POST', '/crm/v8/Accounts', { data: [{ Account_Name: 'Found' }] });
    const delivered = await admin(sim, 'GET', 'callbacks?wait=1');
    expect(receiver.received).to.have.length(1);
    expect(delivered.json.callbacks.map((entry: { outcome: unknown }) => entry.outcome)).to.deep.equal(['dropped', 200]);
  });
});
