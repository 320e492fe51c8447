import { expect } from 'chai';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import { api1, BASIC, graphql, http, signAppJwt, startTestSim } from './sim-test-kit.js';

const STOCK = `query($filter: String, $orderBy: String, $first: Int, $after: String) { sage { x3StockData {
  stock(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { stockId stockSite product quantityInStockUnit allocatedQuantity updateUser updateDateTime } cursor } pageInfo { endCursor hasNextPage } totalCount
  }
} } }`;
const admin = (sim: SimSageX3Server, method: string, path: string, body?: unknown): ReturnType<typeof http> =>
  http(`${sim.url}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

type StockNode = { stockId: number; stockSite: string; product: string; quantityInStockUnit: number; allocatedQuantity: number; updateUser: string; updateDateTime: string };
const nodes = (reply: { json: { data: { sage: { x3StockData: { stock: { edges: Array<{ node: StockNode }> } } } } } }): StockNode[] =>
  reply.json.data.sage.x3StockData.stock.edges.map((edge) => edge.node);

describe('sim-sage-x3: stock', () => {
  let sim: SimSageX3Server;
  let token: string;
  beforeEach(async () => {
    sim = await startTestSim({ customers: 5, seed: 3 });
    token = await signAppJwt(sim);
  });
  afterEach(() => sim.close());

  it('seeds every product at every site, the same for the same seed', async () => {
    const again = await startTestSim({ customers: 5, seed: 3 });
    try {
      const mine = nodes(await graphql(sim, token, STOCK, { first: 100 }));
      const theirs = nodes(await graphql(again, await signAppJwt(again), STOCK, { first: 100 }));
      expect(mine).to.have.length(15);
      expect(mine.map((n) => [n.product, n.stockSite, n.quantityInStockUnit, n.allocatedQuantity])).to.deep.equal(theirs.map((n) => [n.product, n.stockSite, n.quantityInStockUnit, n.allocatedQuantity]));
      for (const node of mine) expect(node.allocatedQuantity).to.be.at.most(node.quantityInStockUnit);
    } finally {
      await again.close();
    }
  });

  it('pages and filters stock lines over GraphQL, with the same auth as every endpoint', async () => {
    expect((await graphql(sim, 'not-a-token', STOCK)).status).to.equal(401);
    const seen: number[] = [];
    let after: string | undefined;
    for (;;) {
      const page = (await graphql(sim, token, STOCK, { first: 4, after })).json.data.sage.x3StockData.stock;
      expect(page.totalCount).to.equal(15);
      seen.push(...page.edges.map((e: { node: StockNode }) => e.node.stockId));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).to.deep.equal([...Array(15).keys()].map((i) => i + 1));
    const bms = nodes(await graphql(sim, token, STOCK, { filter: "{product:{$in:['BMS001']},stockSite:'FR012'}" }));
    expect(bms.map((n) => [n.product, n.stockSite])).to.deep.equal([['BMS001', 'FR012']]);
    const unknown = await graphql(sim, token, STOCK, { filter: '{lot:1}' });
    expect(unknown.json.errors[0].message).to.match(/unknown property lot/);
  });

  it('an X3 user changes stock through the admin API: quantities, user and update timestamp move, a new product-site gets a line', async () => {
    const mark = new Date(sim.clock.now()).toISOString();
    sim.clock.advance(1_000);
    const changed = await admin(sim, 'PUT', 'users/WHSE/stock/BMS001/FR011', { QTYSTU: 40, CUMALLQTY: 15 });
    expect(changed.status).to.equal(200);
    expect(changed.json).to.include({ ITMREF: 'BMS001', STOFCY: 'FR011', QTYSTU: 40, CUMALLQTY: 15, UPDUSR: 'WHSE' });
    const created = await admin(sim, 'PUT', 'users/WHSE/stock/NEW001/DE011', { QTYSTU: 7 });
    expect(created.json).to.include({ STOCOU: 16, QTYSTU: 7, CUMALLQTY: 0 });
    const since = nodes(await graphql(sim, token, STOCK, { filter: `{updateDateTime:{$gt:'${mark}'}}`, orderBy: '{updateDateTime:1}' }));
    expect(since.map((n) => [n.product, n.stockSite, n.quantityInStockUnit, n.allocatedQuantity, n.updateUser])).to.deep.equal([['BMS001', 'FR011', 40, 15, 'WHSE'], ['NEW001', 'DE011', 7, 0, 'WHSE']]);
    expect((await admin(sim, 'PUT', 'users/WHSE/stock/BMS001/FR011', { QTYSTU: -1 })).status).to.equal(400);
    expect((await admin(sim, 'GET', 'state')).json.stockLines).to.equal(16);
  });

  it('api1 STOCK: $query pages by the numeric line number, $details by key, Basic auth, no writes', async () => {
    expect((await api1(sim, 'STOCK?representation=STOCK.$query', '')).status).to.equal(401);
    const seen: number[] = [];
    let next: string | undefined = `${sim.url}/api1/x3/erp/${sim.folder}/STOCK?representation=STOCK.$query&count=4`;
    while (next) {
      const body = (await http(next, { headers: { authorization: BASIC } })).json as { $resources: Array<{ STOCOU: number }>; $links?: { $next?: { $url: string } } };
      seen.push(...body.$resources.map((r) => r.STOCOU));
      next = body.$links?.$next?.$url;
    }
    expect(seen).to.deep.equal([...Array(15).keys()].map((i) => i + 1));
    const where = await api1(sim, `STOCK?representation=STOCK.$query&where=${encodeURIComponent("ITMREF eq 'CON001'")}`);
    expect(where.json.$resources.map((r: { STOFCY: string }) => r.STOFCY)).to.have.members(['FR011', 'FR012', 'DE011']);
    const one = await api1(sim, "STOCK('12')?representation=STOCK.$details");
    expect(one.json).to.include({ STOCOU: 12, STU: 'UN', UPDUSR: 'ADMIN' });
    expect(one.json).to.include.keys('ITMREF', 'STOFCY', 'QTYSTU', 'CUMALLQTY', '$etag', 'UPDDATTIM');
    expect((await api1(sim, "STOCK('99')?representation=STOCK.$details")).status).to.equal(404);
    const write = await http(`${sim.url}/api1/x3/erp/${sim.folder}/STOCK('12')?representation=STOCK.$details`, { method: 'PUT', headers: { authorization: BASIC } });
    expect(write.status).to.equal(405);
  });

  it('stock reads fail like the other endpoints when no web-service pool is free', async () => {
    await admin(sim, 'POST', 'faults', { kind: 'no-pool', count: 1 });
    expect((await graphql(sim, token, STOCK)).status).to.equal(500);
    expect((await graphql(sim, token, STOCK)).status).to.equal(200);
  });
});
