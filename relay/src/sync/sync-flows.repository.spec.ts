import 'reflect-metadata';
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../database/data-source.js';
import { testDatabaseUrl } from '../testing/test-database.js';
import { SyncFlowsRepository } from './sync-flows.repository.js';
import { SyncRecordsRepository } from './sync-records.repository.js';

describe('sync schedules and records (real PostgreSQL, real migrations)', () => {
  let db: DataSource;
  let flows: SyncFlowsRepository;
  let records: SyncRecordsRepository;
  let tenantId: string;

  before(async () => {
    db = await openDataSource(await testDatabaseUrl());
    flows = new SyncFlowsRepository(db);
    records = new SyncRecordsRepository(db);
  });
  beforeEach(async () => {
    const rows: Array<{ id: string }> = await db.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`sync-${Date.now()}-${Math.random()}`]);
    tenantId = (rows[0] as { id: string }).id;
  });
  after(() => db.destroy());

  const mine = <T extends { tenantId: string }>(claimed: T[]): T[] => claimed.filter((f) => f.tenantId === tenantId);

  it('a due flow goes to exactly one of many replicas claiming at once, and not again while leased', async () => {
    await flows.update(tenantId, 'zoho-purchase-orders-to-sap', { enabled: true, scheduleMs: 60_000 });
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => flows.claimDue(`replica-${i}`, 15_000, 10)));
    expect(claims.flatMap(mine)).to.have.length(1);
    await flows.requestRun(tenantId, ['zoho-purchase-orders-to-sap'], 'manual');
    expect(mine(await flows.claimDue('replica-x', 15_000, 10))).to.deep.equal([]);
  });

  it('"run now" and a lapsed lease make the flow due again, and the claim says why it runs', async () => {
    await flows.update(tenantId, 'sap-customers-to-zoho-accounts', { enabled: true, scheduleMs: 3_600_000 });
    const [first] = mine(await flows.claimDue('a', 1, 10));
    expect(first?.pendingTrigger).to.equal(null);
    await new Promise((r) => setTimeout(r, 20));
    await flows.requestRun(tenantId, ['sap-customers-to-zoho-accounts'], 'manual');
    const [again] = mine(await flows.claimDue('b', 15_000, 10));
    expect(again).to.include({ flowKey: 'sap-customers-to-zoho-accounts', pendingTrigger: 'manual', leaseOwner: 'b' });
    expect(await flows.renewLease(tenantId, 'sap-customers-to-zoho-accounts', 'a', 15_000)).to.equal(false);
    expect(await flows.saveState(tenantId, 'sap-customers-to-zoho-accounts', 'a', { stale: true })).to.equal(false);
    expect(await flows.saveState(tenantId, 'sap-customers-to-zoho-accounts', 'b', { cursor: 1 })).to.equal(true);
  });

  it('a run that never ended (its lease lapsed, not released) makes its flow due again at once; a released one waits for its schedule', async () => {
    await flows.update(tenantId, 'sap-customers-to-zoho-accounts', { enabled: true, scheduleMs: 3_600_000 });
    await flows.update(tenantId, 'sap-vendors-zoho-vendors', { enabled: true, scheduleMs: 3_600_000 });
    expect(mine(await flows.claimDue('dies', 1, 100))).to.have.length(2);
    await flows.releaseLease(tenantId, 'sap-vendors-zoho-vendors', 'dies');
    await new Promise((r) => setTimeout(r, 20));
    const again = mine(await flows.claimDue('survivor', 15_000, 100));
    expect(again.map((f) => [f.flowKey, f.leaseOwner])).to.deep.equal([['sap-customers-to-zoho-accounts', 'survivor']]);
  });

  it('never claims a disabled flow', async () => {
    await flows.update(tenantId, 'zoho-invoices-to-sap-gl', { enabled: true });
    await flows.update(tenantId, 'zoho-invoices-to-sap-gl', { enabled: false });
    expect(mine(await flows.claimDue('a', 15_000, 10))).to.deep.equal([]);
  });

  it('journals one entry per attempt, numbered per record, and a replay puts a dead letter back', async () => {
    const [link] = await records.ensureLinks(tenantId, 'purchase_order', 'zoho-purchase-orders-to-sap', 'zoho', ['5725767000001000001']);
    const id = (link as { id: string }).id;
    const attempt = (outcome: 'retry' | 'dead' | 'succeeded', extra = {}) => records.recordAttempts(tenantId, 'zoho-purchase-orders-to-sap', null, [{ linkId: id, outcome, correlationId: randomUUID(), ...extra }]);
    await attempt('retry', { error: 'AGENT_OFFLINE' });
    await attempt('dead', { error: 'SAP refused it: ME 006' });
    expect(await records.get(tenantId, id)).to.include({ status: 'dead', attempts: 2, deadReason: 'SAP refused it: ME 006' });
    expect(await records.requeue(tenantId, { linkId: id })).to.deep.equal([{ id, flowKey: 'zoho-purchase-orders-to-sap' }]);
    await attempt('succeeded', { sapKey: '4500000001' });
    expect(await records.get(tenantId, id)).to.include({ status: 'synced', attempts: 0, sapKey: '4500000001', deadReason: null });
    expect((await records.journal(tenantId, id)).map((j) => [j.attempt, j.outcome])).to.deep.equal([[1, 'retry'], [2, 'dead'], [1, 'succeeded']]);
    expect((await records.search(tenantId, { query: '4500000001', limit: 10 })).map((l) => l.id)).to.deep.equal([id]);
  });

  it('keeps tenants apart: another tenant cannot see, journal or replay a record', async () => {
    const [link] = await records.ensureLinks(tenantId, 'vendor', 'sap-vendors-zoho-vendors', 'sap', ['0000300001']);
    const rows: Array<{ id: string }> = await db.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`sync-other-${Date.now()}`]);
    const other = (rows[0] as { id: string }).id;
    const id = (link as { id: string }).id;
    await records.recordAttempts(other, 'sap-vendors-zoho-vendors', null, [{ linkId: id, outcome: 'dead', correlationId: randomUUID(), error: 'x' }]);
    expect(await records.get(other, id)).to.equal(undefined);
    expect(await records.journal(tenantId, id)).to.deep.equal([]);
    expect(await records.requeue(other, {})).to.deep.equal([]);
  });

  it('stores a draft link with its first attempt, keeping what the batch shared (request, agreed values) once per record', async () => {
    const flow = 'sap-customers-to-zoho-accounts';
    const [known] = await records.ensureLinks(tenantId, 'customer', flow, 'sap', ['0000100001']);
    const [stored, draft, failing] = await records.linksFor(tenantId, 'customer', flow, 'sap', ['0000100001', '0000100002', '0000100003']);
    expect(stored?.id).to.equal(known?.id);
    expect(stored?.draft).to.equal(undefined);
    expect(draft).to.include({ sapKey: '0000100002', status: 'pending', draft: true });
    const request = { method: 'POST', path: '/crm/v8/Accounts/upsert', records: 3 };
    const values = { Account_Name: 'Bolt AG' };
    const onto = (link: typeof draft) => (link?.draft ? { linkId: link.id, draft: { entity: link.entity, sapKey: link.sapKey, zohoId: link.zohoId } } : { linkId: String(link?.id) });
    await records.recordAttempts(tenantId, flow, null, [
      { ...onto(stored), outcome: 'succeeded', correlationId: randomUUID(), zohoId: 'z1', payload: { Account_Name: 'Acme' }, syncedValues: { Account_Name: 'Acme' }, request },
      { ...onto(draft), outcome: 'succeeded', correlationId: randomUUID(), zohoId: 'z2', source: { KNA1: { KUNNR: '0000100002' } }, payload: values, syncedValues: values, request },
      { ...onto(failing), outcome: 'dead', correlationId: randomUUID(), payload: values, request, error: 'Zoho refused it: INVALID_DATA' },
    ]);
    expect(await records.get(tenantId, String(stored?.id))).to.deep.include({ status: 'synced', zohoId: 'z1', syncedValues: { Account_Name: 'Acme' } });
    expect(await records.get(tenantId, String(draft?.id))).to.deep.include({ status: 'synced', attempts: 0, sapKey: '0000100002', zohoId: 'z2', syncedValues: values });
    expect(await records.get(tenantId, String(failing?.id))).to.deep.include({ status: 'dead', attempts: 1, deadReason: 'Zoho refused it: INVALID_DATA', syncedValues: null });
    const [entry] = await records.journal(tenantId, String(draft?.id));
    expect(entry).to.deep.include({ attempt: 1, outcome: 'succeeded', source: { KNA1: { KUNNR: '0000100002' } }, payload: values, request });
    expect((await records.journal(tenantId, String(failing?.id)))[0]).to.deep.include({ request, error: 'Zoho refused it: INVALID_DATA', source: null, response: null });
    const absent: Array<{ n: string }> = await db.query(`SELECT count(*) AS n FROM sync_journal WHERE link_id = $1 AND source IS NULL AND response IS NULL`, [failing?.id]);
    expect(absent[0]?.n, 'a document not given is SQL NULL, not a JSON null').to.equal('1');
    // An attempt that brings no values keeps the ones the link agreed on.
    await records.recordAttempts(tenantId, flow, null, [{ linkId: String(stored?.id), outcome: 'skipped', correlationId: randomUUID() }]);
    expect(await records.get(tenantId, String(stored?.id))).to.deep.include({ status: 'synced', syncedValues: { Account_Name: 'Acme' } });
    // Found again as stored links, not drafts.
    const [again] = await records.linksFor(tenantId, 'customer', flow, 'sap', ['0000100002']);
    expect([again?.id, again?.draft]).to.deep.equal([draft?.id, undefined]);
  });

  it('prunes journal entries older than the retention, oldest first, but keeps every record\'s latest', async () => {
    const flow = 'sap-customers-to-zoho-accounts';
    const [changed, once] = await records.ensureLinks(tenantId, 'customer', flow, 'sap', ['0000200001', '0000200002']);
    const attempt = (linkId: string) => records.recordAttempts(tenantId, flow, null, [{ linkId, outcome: 'succeeded', correlationId: randomUUID() }]);
    for (let i = 0; i < 3; i += 1) await attempt(String(changed?.id));
    await attempt(String(once?.id));
    // All but the changed record's newest entry are 100 days old.
    const [newest] = await records.journal(tenantId, String(changed?.id)).then((entries) => entries.slice(-1));
    await db.query(`UPDATE sync_journal SET created_at = now() - interval '100 days' WHERE link_id = ANY($1::uuid[]) AND id <> $2`, [[changed?.id, once?.id], newest?.id]);
    let deleted = 0;
    for (let batch = await records.pruneJournal(90, 1_000); batch > 0; batch = await records.pruneJournal(90, 1_000)) deleted += batch;
    expect((await records.journal(tenantId, String(changed?.id))).map((j) => j.id)).to.deep.equal([newest?.id]);
    expect(await records.journal(tenantId, String(once?.id))).to.have.length(1);
    expect(deleted).to.be.at.least(2);
  });
});
