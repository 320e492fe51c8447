import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { SyncRecordsRepository } from '../sync/sync-records.repository.js';
import { startConsoleTestRelay, type ConsoleSession, type ConsoleTestRelay } from './testing/console-relay.fixture.js';

const PO_FLOW = 'zoho-purchase-orders-to-sap';

describe('Flows, runs and records on the console REST API (real PostgreSQL, real HTTP)', () => {
  let relay: ConsoleTestRelay;
  let tenant: { id: string; name: string };
  let owner: ConsoleSession & { email: string };
  let operator: ConsoleSession & { email: string };
  let viewer: ConsoleSession & { email: string };

  const path = (rest: string): string => `/console/api/tenants/${tenant.name}${rest}`;
  const lastAudit = async (): Promise<Record<string, unknown>> => (await relay.asUser(owner, 'GET', path('/audit'))).body[0];

  /** A failed record as a run leaves it: a dead link with its journal entry. */
  async function deadLetter(zohoId: string): Promise<string> {
    const records = relay.relay.app.get(SyncRecordsRepository);
    const [link] = await records.ensureLinks(tenant.id, 'purchase_order', PO_FLOW, 'zoho', [zohoId]);
    await records.recordAttempts(tenant.id, PO_FLOW, null, [{
      linkId: String(link?.id), outcome: 'dead', correlationId: randomUUID(), source: { id: zohoId, Subject: 'Valves' }, error: `vendor ${zohoId}9 is not linked to an SAP vendor`,
    }]);
    return String(link?.id);
  }

  before(async () => {
    relay = await startConsoleTestRelay();
    tenant = await relay.createTenant('sync-console');
    owner = await relay.signedIn(tenant.id, 'owner');
    operator = await relay.signedIn(tenant.id, 'operator');
    viewer = await relay.signedIn(tenant.id, 'viewer');
  });
  after(async () => relay?.close());

  it('GET /console/api/tenants/:tenant/flows lists every flow, disabled, with its config defaults, to a viewer', async () => {
    const answer = await relay.asUser(viewer, 'GET', path('/flows'));
    expect(answer.status).to.equal(200);
    const po = (answer.body as Array<Record<string, unknown>>).find((f) => f['key'] === PO_FLOW);
    expect(po).to.include({ enabled: false, available: true, lastRun: null, running: false });
    expect(po?.['config']).to.include({ writeBackField: 'PO_Number', plant: '1000' });
  });

  it('PATCH /console/api/tenants/:tenant/flows/:flow is for owners: a bad mapping names the field, a good one is saved and audited', async () => {
    const refused = await relay.asUser(operator, 'PATCH', path(`/flows/${PO_FLOW}`), { schedule_ms: 60_000 });
    expect(refused.status).to.equal(403);
    expect(refused.body.message).to.contain('needs the owner role');

    const invalid = await relay.asUser(owner, 'PATCH', path(`/flows/${PO_FLOW}`), { config: { writeBackField: '1 bad', plant: 'x' } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.message).to.contain('config.writeBackField: a Zoho field API name').and.to.contain('config.plant:');

    const saved = await relay.asUser(owner, 'PATCH', path(`/flows/${PO_FLOW}`), { schedule_ms: 120_000, config: { materials: { Pump: 'SIM-PUMP-01' } } });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body).to.include({ scheduleMs: 120_000, enabled: false });
    expect(saved.body.config.materials).to.deep.equal({ Pump: 'SIM-PUMP-01' });
    expect(await lastAudit()).to.include({ actor: owner.email, action: 'flow.config', target: PO_FLOW });
    const actions = ((await relay.asUser(owner, 'GET', path('/audit'))).body as Array<{ action: string }>).map((e) => e.action);
    expect(actions).to.include('flow.schedule');
  });

  it('refuses a change without the CSRF token, and answers "no such tenant" to a stranger', async () => {
    const forged = await relay.request('PATCH', path(`/flows/${PO_FLOW}`), { body: { enabled: true }, headers: { cookie: owner.cookie } });
    expect(forged.status).to.equal(403);
    const other = await relay.createTenant('sync-console-other');
    const stranger = await relay.signedIn(other.id, 'owner');
    expect((await relay.asUser(stranger, 'GET', path('/flows'))).status).to.equal(404);
    expect((await relay.asUser(stranger, 'GET', path('/records'))).status).to.equal(404);
  });

  it('POST /console/api/tenants/:tenant/flows/:flow/run needs an operator and an enabled flow', async () => {
    expect((await relay.asUser(viewer, 'POST', path(`/flows/${PO_FLOW}/run`))).status).to.equal(403);
    const disabled = await relay.asUser(operator, 'POST', path(`/flows/${PO_FLOW}/run`));
    expect(disabled.status).to.equal(409);
    expect(disabled.body.message).to.contain('is not enabled');
    expect((await relay.asUser(operator, 'POST', path('/flows/no-such-flow/run'))).status).to.equal(404);
  });

  it('finds a failed record by its Zoho id, shows its journal, and replays it (operator, audited)', async () => {
    const zohoId = `${Date.now()}0001`;
    const id = await deadLetter(zohoId);
    const found = await relay.asUser(viewer, 'GET', path(`/records?q=${zohoId.slice(-8)}&status=dead`));
    expect(found.status).to.equal(200);
    expect(found.body.map((r: { id: string }) => r.id)).to.deep.equal([id]);
    expect((await relay.asUser(viewer, 'GET', path('/records?status=broken'))).status).to.equal(400);

    const detail = await relay.asUser(viewer, 'GET', path(`/records/${id}`));
    expect(detail.body.record).to.include({ status: 'dead', zohoId, flowKey: PO_FLOW });
    expect(detail.body.journal).to.have.length(1);
    expect(detail.body.journal[0]).to.include({ attempt: 1, outcome: 'dead' });
    expect(detail.body.journal[0].source).to.deep.equal({ id: zohoId, Subject: 'Valves' });

    expect((await relay.asUser(viewer, 'POST', path(`/records/${id}/replay`))).status).to.equal(403);
    const replayed = await relay.asUser(operator, 'POST', path(`/records/${id}/replay`));
    expect(replayed.status).to.equal(202);
    expect(replayed.body).to.deep.equal({ replayed: 1 });
    expect((await relay.asUser(viewer, 'GET', path(`/records/${id}`))).body.record.status).to.equal('pending');
    expect(await lastAudit()).to.include({ actor: operator.email, action: 'record.replay', target: zohoId });
    const again = await relay.asUser(operator, 'POST', path(`/records/${id}/replay`));
    expect(again.status).to.equal(409);
    expect((await relay.asUser(operator, 'GET', path(`/records/${randomUUID()}`))).status).to.equal(404);
  });

  it('POST /console/api/tenants/:tenant/records/replay replays every failed record of a flow', async () => {
    await deadLetter(`${Date.now()}0002`);
    await deadLetter(`${Date.now()}0003`);
    const replayed = await relay.asUser(operator, 'POST', path('/records/replay'), { flow: PO_FLOW });
    expect(replayed.status).to.equal(202);
    expect(replayed.body).to.deep.equal({ replayed: 2 });
    expect(await lastAudit()).to.include({ action: 'record.replay_all', target: PO_FLOW });
    expect((await relay.asUser(operator, 'POST', path('/records/replay'), { flow: 'nope' })).status).to.equal(400);
  });

  it('GET /console/api/tenants/:tenant/sync/events sends the flows and the runs at once', async () => {
    const controller = new AbortController();
    const response = await fetch(`${relay.baseUrl}${path('/sync/events')}`, { headers: { cookie: viewer.cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).to.contain('text/event-stream');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!(text.includes('event: flows') && text.includes('event: runs'))) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(text).to.contain('event: flows').and.to.contain('event: runs').and.to.contain(PO_FLOW);
  });
});
