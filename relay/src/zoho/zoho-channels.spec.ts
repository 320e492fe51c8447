import { expect } from 'chai';
import { DataSource } from 'typeorm';
import type { SimZohoServer } from '@mlc/sim-zoho';
import { admin as simAdmin, startTestSim } from '@mlc/sim-zoho/test-kit';
import { startZohoTestRelay, type ZohoTestRelay } from './testing/zoho-relay.fixture.js';
import { ZohoClientsService } from './zoho-clients.service.js';
import { ZohoSchedulerService } from './zoho-scheduler.service.js';

interface SimCall {
  method: string;
  path: string;
  status: number;
}

describe('Zoho watch channels: renewal, lapse and catch-up (real PostgreSQL, sim-zoho clock)', () => {
  let sim: SimZohoServer;
  let relay: ZohoTestRelay;
  let tenant: string;
  // Every tick checks the channel with Zoho, as a relay would after ZOHO_CHANNEL_CHECK_INTERVAL_MS.
  const env = { ZOHO_CHANNEL_CHECK_INTERVAL_MS: '0' };

  before(async () => {
    sim = await startTestSim();
    relay = await startZohoTestRelay(sim, env);
    tenant = await relay.createTenant('zch');
    expect((await relay.connect(tenant)).status).to.equal(200);
    await tick();
  });
  after(async () => {
    await relay?.close();
    await sim?.close();
  });

  const db = (): DataSource => relay.relay.app.get(DataSource);
  const tick = (): Promise<boolean> => relay.relay.app.get(ZohoSchedulerService).tick();
  const channel = async (): Promise<{ channel_id: string; expires_at: Date; renewed_at: Date | null }> => (await db().query(`SELECT * FROM zoho_watch_channel WHERE tenant_id = $1`, [tenant]))[0];
  const stored = async (): Promise<Map<string, Record<string, unknown>>> => {
    const rows: Array<{ record_id: string; data: Record<string, unknown> }> = await db().query(`SELECT record_id, data FROM zoho_record WHERE tenant_id = $1 AND NOT deleted`, [tenant]);
    return new Map(rows.map((row) => [row.record_id, row.data]));
  };
  const simCalls = async (): Promise<SimCall[]> => (await simAdmin(sim, 'GET', 'calls')).json.calls as SimCall[];
  const create = async (name: string): Promise<string> => (await simAdmin(sim, 'POST', 'records/Accounts', { Account_Name: name })).json.data[0].details.id as string;

  it('checks the channel with Zoho and recreates it when Zoho no longer knows it', async () => {
    const old = await channel();
    // Someone (or Zoho) removed the channel behind the relay's back.
    const access = relay.relay.app.get(ZohoClientsService);
    await (await access.forTenant(tenant)).watch.disable([old.channel_id]);
    const missed = await create('While unwatched');
    await tick();
    const fresh = await channel();
    expect(fresh.channel_id).to.not.equal(old.channel_id);
    expect((await stored()).has(missed)).to.equal(true);
  });

  it('renews (PATCH) a channel well before it expires, keeping its id', async () => {
    const before = await channel();
    // Six hours is the renewal margin: five hours left must trigger it.
    await db().query(`UPDATE zoho_watch_channel SET expires_at = now() + interval '5 hours' WHERE tenant_id = $1`, [tenant]);
    const callsBefore = (await simCalls()).length;
    await tick();
    const after = await channel();
    expect(after.channel_id).to.equal(before.channel_id);
    expect(after.renewed_at).to.not.equal(null);
    expect(new Date(after.expires_at).getTime() - Date.now()).to.be.greaterThan(22 * 3_600_000);
    const patches = (await simCalls()).slice(callsBefore).filter((c) => c.method === 'PATCH' && c.path === '/crm/v8/actions/watch');
    expect(patches.map((c) => c.status)).to.deep.equal([200]);
    const status = await relay.admin('GET', `/v1/tenants/${tenant}/zoho`);
    expect(status.body.channels).to.have.length(1);
    expect(status.body.channels[0]).to.include({ module: 'Accounts', channel_id: before.channel_id });
  });

  it('after a lapse (Zoho clock past the expiry) recreates the channel and recovers every change made during it', async () => {
    const early = await create('Before the lapse');
    const doomed = await create('Deleted during the lapse');
    await simAdmin(sim, 'GET', 'callbacks?wait=1');
    const delivered = Date.now() + 5_000;
    while (!(await stored()).has(doomed) && Date.now() < delivered) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await stored()).has(doomed), 'delivered before the lapse').to.equal(true);
    const old = await channel();
    // A day passes for Zoho and the relay alike, and the relay was not looking: the channel lapses.
    sim.clock.advance(25 * 3_600_000);
    relay.advanceClock(25 * 3_600_000);

    const duringLapse = [await create('Lapse A'), await create('Lapse B'), await create('Lapse C')];
    await simAdmin(sim, 'PUT', `records/Accounts/${early}`, { Phone: '+1 555 0199' });
    await simAdmin(sim, 'DELETE', `records/Accounts/${doomed}`);
    // Zoho sent nothing for these: the channel had expired.
    const callbacks = (await simAdmin(sim, 'GET', 'callbacks?wait=1')).json.callbacks as unknown[];
    const sentBefore = callbacks.length;

    expect(await tick()).to.equal(true);
    const fresh = await channel();
    expect(fresh.channel_id).to.not.equal(old.channel_id);
    const records = await stored();
    for (const id of duringLapse) expect(records.get(id), `record ${id} made during the lapse`).to.not.equal(undefined);
    expect(records.get(early)?.['Phone']).to.equal('+1 555 0199');
    expect(records.has(doomed), 'the record deleted during the lapse').to.equal(false);
    expect(((await simAdmin(sim, 'GET', 'callbacks?wait=1')).json.callbacks as unknown[]).length).to.equal(sentBefore);

    // The new channel delivers again.
    const after = await create('After the lapse');
    await simAdmin(sim, 'GET', 'callbacks?wait=1');
    const deadline = Date.now() + 5_000;
    while (!(await stored()).has(after) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await stored()).has(after)).to.equal(true);
  });

  it('after relay downtime catches up on the changes whose callbacks found no relay', async () => {
    const port = Number(new URL(relay.baseUrl).port);
    await relay.relay.close();
    const missed = [await create('While down 1'), await create('While down 2')];
    const outcomes = ((await simAdmin(sim, 'GET', 'callbacks?wait=1')).json.callbacks as Array<{ outcome: unknown }>).slice(-2).map((c) => c.outcome);
    expect(outcomes.every((o) => o !== 200)).to.equal(true);

    relay = await startZohoTestRelay(sim, env, port);
    relay.adopt(tenant);
    relay.advanceClock(25 * 3_600_000);
    await tick();
    const records = await stored();
    for (const id of missed) expect(records.get(id), `record ${id} made while the relay was down`).to.not.equal(undefined);
  });
});
