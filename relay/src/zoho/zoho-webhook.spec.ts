import { expect } from 'chai';
import { DataSource } from 'typeorm';
import type { SimZohoServer } from '@mlc/sim-zoho';
import { admin as simAdmin, startTestSim } from '@mlc/sim-zoho/test-kit';
import { startZohoTestRelay, type ZohoTestRelay } from './testing/zoho-relay.fixture.js';
import { ZohoChannelsService } from './zoho-channels.service.js';
import { ZohoSchedulerService } from './zoho-scheduler.service.js';

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('POST /webhooks/zoho/:channel', () => {
  let sim: SimZohoServer;
  let relay: ZohoTestRelay;
  let db: DataSource;
  let tenant: string;
  let channelId: string;
  let token: string;

  before(async () => {
    sim = await startTestSim();
    relay = await startZohoTestRelay(sim);
    db = relay.relay.app.get(DataSource);
    tenant = await relay.createTenant('zw');
    expect((await relay.connect(tenant)).status).to.equal(200);
    await relay.relay.app.get(ZohoSchedulerService).tick();
    const [channel] = await db.query(`SELECT * FROM zoho_watch_channel WHERE tenant_id = $1`, [tenant]);
    channelId = channel.channel_id;
    token = relay.relay.app.get(ZohoChannelsService).channelToken({ channelId: channel.channel_id, tokenCiphertext: channel.token_ciphertext, tokenKeyId: channel.token_key_id } as never);
  });
  after(async () => {
    await relay?.close();
    await sim?.close();
  });

  const events = async (): Promise<Array<{ operation: string; record_ids: string[]; status: string }>> => db.query(`SELECT operation, record_ids, status FROM zoho_event WHERE tenant_id = $1 ORDER BY received_at`, [tenant]);
  const stored = async (id: string): Promise<{ data: Record<string, unknown> | null; deleted: boolean } | undefined> =>
    (await db.query(`SELECT data, deleted FROM zoho_record WHERE tenant_id = $1 AND record_id = $2`, [tenant, id]))[0];

  it('takes Zoho\'s ID-only callback, persists it, and fetches the full record', async () => {
    const created = await simAdmin(sim, 'POST', 'records/Accounts', { Account_Name: 'Hooked', Phone: '+1 555 0101' });
    const id = created.json.data[0].details.id as string;
    const record = await until(async () => (await stored(id))?.data ?? undefined, 'the fetched record');
    expect(record).to.include({ Account_Name: 'Hooked', Phone: '+1 555 0101' });
    expect((await events()).at(-1)).to.deep.equal({ operation: 'insert', record_ids: [id], status: 'done' });

    await simAdmin(sim, 'PUT', `records/Accounts/${id}`, { Phone: '+1 555 0102' });
    await until(async () => ((await stored(id))?.data?.['Phone'] === '+1 555 0102' ? true : undefined), 'the edited record');
    await simAdmin(sim, 'DELETE', `records/Accounts/${id}`);
    await until(async () => ((await stored(id))?.deleted ? true : undefined), 'the deletion');
    const callbacks = (await simAdmin(sim, 'GET', 'callbacks?wait=1')).json.callbacks as Array<{ outcome: unknown }>;
    expect(callbacks.map((c) => c.outcome)).to.deep.equal([200, 200, 200]);
  });

  it('keeps a redelivered callback once', async () => {
    const id = (await simAdmin(sim, 'POST', 'records/Accounts', { Account_Name: 'Twice' })).json.data[0].details.id as string;
    const body = { server_time: 1_718_117_126_473, query_params: {}, module: 'Accounts', resource_uri: 'x', ids: [id], affected_fields: [], operation: 'update', channel_id: channelId, token };
    const first = await relay.request('POST', `/webhooks/zoho/${channelId}`, body);
    const second = await relay.request('POST', `/webhooks/zoho/${channelId}`, body);
    expect([first.status, first.body.duplicate, second.status, second.body.duplicate]).to.deep.equal([200, false, 200, true]);
    const rows = await db.query(`SELECT count(*)::int AS n FROM zoho_event WHERE tenant_id = $1 AND server_time = to_timestamp(1718117126.473)`, [tenant]);
    expect(rows[0].n).to.equal(1);
  });

  it('refuses malformed, forged, unknown-channel and oversized callbacks with a 4xx, and stores none of them', async () => {
    const before = (await events()).length;
    const valid = { server_time: Date.now(), module: 'Accounts', ids: ['5725767000003000064'], operation: 'insert', channel_id: channelId, token };
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) => relay.request('POST', path, body, headers);
    const answers = {
      notJson: (await post(`/webhooks/zoho/${channelId}`, '{"ids": [', {})).status,
      noIds: (await post(`/webhooks/zoho/${channelId}`, { ...valid, ids: [] })).status,
      badOperation: (await post(`/webhooks/zoho/${channelId}`, { ...valid, operation: 'explode' })).status,
      wrongToken: (await post(`/webhooks/zoho/${channelId}`, { ...valid, token: 'guessed' })).status,
      noToken: (await post(`/webhooks/zoho/${channelId}`, { ...valid, token: undefined })).status,
      otherChannelInBody: (await post(`/webhooks/zoho/${channelId}`, { ...valid, channel_id: '999' })).status,
      unknownChannel: (await post('/webhooks/zoho/123456789', { ...valid, channel_id: '123456789' })).status,
      notAChannel: (await post('/webhooks/zoho/..%2Fadmin', valid)).status,
      wrongModule: (await post(`/webhooks/zoho/${channelId}`, { ...valid, module: 'Contacts' })).status,
      oversized: (await post(`/webhooks/zoho/${channelId}`, { ...valid, affected_fields: ['x'.repeat(70_000)] })).status,
      overParserLimit: (await post(`/webhooks/zoho/${channelId}`, { ...valid, affected_fields: ['x'.repeat(300_000)] })).status,
    };
    expect(answers).to.deep.equal({
      notJson: 400,
      noIds: 400,
      badOperation: 400,
      wrongToken: 401,
      noToken: 401,
      otherChannelInBody: 401,
      unknownChannel: 404,
      notAChannel: 404,
      wrongModule: 400,
      oversized: 413,
      overParserLimit: 413,
    });
    expect((await events()).length).to.equal(before);
    // Each refusal is logged, the channel token never.
    const refusals = relay.logs.filter((line) => line.includes('Zoho callback refused') || line.includes('request refused'));
    expect(refusals.length).to.be.at.least(Object.keys(answers).length);
    expect(relay.logs.join('\n')).to.not.contain(token);
  });
});
