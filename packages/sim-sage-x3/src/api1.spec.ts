import { expect } from 'chai';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import { api1, startTestSim } from './sim-test-kit.js';

describe('sim-sage-x3: REST api1', () => {
  let sim: SimSageX3Server;
  before(async () => {
    sim = await startTestSim({ customers: 45, seed: 7 });
  });
  after(() => sim.close());

  it('needs Basic auth', async () => {
    expect((await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query', '')).status).to.equal(401);
    const wrong = await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query', `Basic ${Buffer.from('ADMIN:nope').toString('base64')}`);
    expect(wrong.status).to.equal(401);
    expect(wrong.json.$diagnoses[0].$severity).to.equal('error');
  });

  it('pages BPCUSTOMER by key with count and $links.$next until every customer is read once', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${sim.url}/api1/x3/erp/${sim.folder}/BPCUSTOMER?representation=BPCUSTOMER.$query&count=20`;
    let pages = 0;
    while (next) {
      const res = await fetch(next, { headers: { authorization: `Basic ${Buffer.from('ADMIN:admin').toString('base64')}` } });
      const body = (await res.json()) as { $itemsPerPage: number; $resources: Array<Record<string, unknown>>; $links?: { $next?: { $url: string } } };
      expect(body.$itemsPerPage).to.equal(20);
      seen.push(...body.$resources.map((r) => String(r['BPCNUM'])));
      next = body.$links?.$next?.$url;
      pages += 1;
    }
    expect(pages).to.equal(3);
    expect(seen).to.have.length(45);
    expect(new Set(seen).size).to.equal(45);
    expect([...seen].sort()).to.deep.equal(seen);
  });

  it('carries $uuid, $etag, $creDate and $updDate on every resource', async () => {
    const res = await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query&count=1');
    expect(res.json.$resources[0]).to.include.keys('$uuid', '$etag', '$creDate', '$updDate', 'UPDDATTIM', 'BPCNAM', 'OSTAUZ');
  });

  it('filters with where (left(), and, numbers) and sorts with orderBy', async () => {
    const all = (await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$query&count=100')).json.$resources as Array<Record<string, unknown>>;
    const prefix = String(all[3]['BPCNAM']).slice(0, 4);
    const where = encodeURIComponent(`left(BPCNAM,4) eq '${prefix}' and OSTAUZ ge 0`);
    const filtered = (await api1(sim, `BPCUSTOMER?representation=BPCUSTOMER.$query&count=100&where=${where}`)).json.$resources as Array<Record<string, unknown>>;
    expect(filtered.length).to.be.greaterThan(0);
    expect(filtered.every((r) => String(r['BPCNAM']).startsWith(prefix))).to.equal(true);
    const sorted = (await api1(sim, `BPCUSTOMER?representation=BPCUSTOMER.$query&count=100&orderBy=${encodeURIComponent('OSTAUZ desc, BPCNUM asc')}`)).json.$resources as Array<Record<string, number>>;
    expect(sorted.map((r) => r['OSTAUZ'])).to.deep.equal([...sorted.map((r) => r['OSTAUZ'])].sort((a, b) => b - a));
  });

  it('answers an unknown property in where with HTTP 500, like X3', async () => {
    const res = await api1(sim, `BPCUSTOMER?representation=BPCUSTOMER.$query&where=${encodeURIComponent("NOPE eq 'x'")}`);
    expect(res.status).to.equal(500);
    expect(res.json.$diagnoses[0].$message).to.contain('NOPE');
  });

  it('reads one record with $details, SORDER with its lines, and 404s an unknown key', async () => {
    const customer = await api1(sim, "BPCUSTOMER('C000003')?representation=BPCUSTOMER.$details");
    expect(customer.status).to.equal(200);
    expect(customer.json).to.include({ BPCNUM: 'C000003' });
    const orders = await api1(sim, `SORDER?representation=SORDER.$query&where=${encodeURIComponent("BPCORD eq 'C000003'")}`);
    const number = orders.json.$resources[0].SOHNUM as string;
    const order = await api1(sim, `SORDER('${number}')?representation=SORDER.$details`);
    expect(order.json.SOH4_1).to.be.an('array').with.length.greaterThan(0);
    expect((await api1(sim, "BPCUSTOMER('NOPE')?representation=BPCUSTOMER.$details")).status).to.equal(404);
    expect((await api1(sim, 'BPCUSTOMER?representation=BPCUSTOMER.$details')).status).to.equal(400);
  });

  it('gives the same data for the same seed', async () => {
    const other = await startTestSim({ customers: 45, seed: 7 });
    try {
      const a = (await api1(sim, "BPCUSTOMER('C000010')?representation=BPCUSTOMER.$details")).json;
      const b = (await api1(other, "BPCUSTOMER('C000010')?representation=BPCUSTOMER.$details")).json;
      expect(b.BPCNAM).to.equal(a.BPCNAM);
    } finally {
      await other.close();
    }
  });
});
