import 'reflect-metadata';
import { expect } from 'chai';
import type { DataSource } from 'typeorm';
import { openDataSource } from '../database/data-source.js';
import { testDatabaseUrl } from '../testing/test-database.js';
import { ZohoInboxRepository } from './zoho-inbox.repository.js';

describe('ZohoInboxRepository: records a flow passed over (real PostgreSQL)', () => {
  let db: DataSource;
  let inbox: ZohoInboxRepository;
  let tenantId: string;

  const store = (id: string, status: string): Promise<unknown> =>
    db.query(
      `INSERT INTO zoho_record (tenant_id, module, record_id, modified_time, deleted, data, fetched_at) VALUES ($1, 'Purchase_Orders', $2, now(), false, $3, clock_timestamp())
       ON CONFLICT (tenant_id, module, record_id) DO UPDATE SET data = EXCLUDED.data, fetched_at = EXCLUDED.fetched_at`,
      [tenantId, id, JSON.stringify({ id, Status: status })],
    );
  const unfinished = async (): Promise<string[]> => (await inbox.unfinished(tenantId, 'Purchase_Orders', 'purchase_order', 100)).map((r) => r.id).sort();

  before(async () => {
    db = await openDataSource(await testDatabaseUrl());
    inbox = new ZohoInboxRepository(db);
  });
  beforeEach(async () => {
    const rows = (await db.query(`INSERT INTO tenant (name) VALUES ($1) RETURNING id`, [`inbox-${Date.now()}-${Math.random()}`])) as Array<{ id: string }>;
    tenantId = rows[0]?.id as string;
  });
  after(() => db.destroy());

  it('leaves out a version the flow did not take, until the record changes', async () => {
    await store('1001', 'Draft');
    await store('1002', 'Approved');
    const batch = await inbox.unfinished(tenantId, 'Purchase_Orders', 'purchase_order', 100);
    expect(batch.map((r) => r.id).sort()).to.deep.equal(['1001', '1002']);

    await inbox.passOver(tenantId, 'Purchase_Orders', 'purchase_order', batch.filter((r) => r.data['Status'] === 'Draft'));
    expect(await unfinished(), 'the draft is not read again').to.deep.equal(['1002']);
    expect((await inbox.unfinished(tenantId, 'Purchase_Orders', 'invoice', 100)).map((r) => r.id).sort(), 'another entity still sees it').to.deep.equal(['1001', '1002']);

    await store('1001', 'Approved');
    expect(await unfinished(), 'its new version is looked at again').to.deep.equal(['1001', '1002']);
  });

  it('does not let a pass over an old version hide a newer one stored meanwhile', async () => {
    await store('2001', 'Draft');
    const [seen] = await inbox.unfinished(tenantId, 'Purchase_Orders', 'purchase_order', 100);
    await store('2001', 'Approved');
    await inbox.passOver(tenantId, 'Purchase_Orders', 'purchase_order', [seen as NonNullable<typeof seen>]);
    expect(await unfinished()).to.deep.equal(['2001']);
  });
});
