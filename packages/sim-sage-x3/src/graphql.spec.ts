import { expect } from 'chai';
import type { SimSageX3Server } from './sim-sage-x3.server.js';
import { graphql, signAppJwt, startTestSim } from './sim-test-kit.js';

const CUSTOMERS = `query($filter: String, $first: Int, $after: String) { sage { x3BusinessPartners {
  customer(filter: $filter, first: $first, after: $after) { edges { node { code companyName updateDateTime } cursor } pageInfo { endCursor hasNextPage } totalCount }
} } }`;

describe('sim-sage-x3: GraphQL', () => {
  let sim: SimSageX3Server;
  let token: string;
  beforeEach(async () => {
    sim = await startTestSim({ customers: 30 });
    token = await signAppJwt(sim);
  });
  afterEach(() => sim.close());

  it('pages customers with first/after and pageInfo', async () => {
    const codes: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await graphql(sim, token, CUSTOMERS, { first: 12, after });
      expect(res.status).to.equal(200);
      const page = res.json.data.sage.x3BusinessPartners.customer;
      expect(page.totalCount).to.equal(30);
      codes.push(...page.edges.map((e: { node: { code: string } }) => e.node.code));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(codes).to.have.length(30);
    expect(new Set(codes).size).to.equal(30);
  });

  it('filters with Mongo-style strings ($gt on updateDateTime, $in, equality)', async () => {
    const one = await graphql(sim, token, CUSTOMERS, { filter: "{code:'C000005'}" });
    expect(one.json.data.sage.x3BusinessPartners.customer.edges.map((e: { node: { code: string } }) => e.node.code)).to.deep.equal(['C000005']);
    const some = await graphql(sim, token, CUSTOMERS, { filter: "{code:{$in:['C000001','C000002','NOPE']}}" });
    expect(some.json.data.sage.x3BusinessPartners.customer.totalCount).to.equal(2);
    const mark = new Date(sim.clock.now()).toISOString();
    sim.clock.advance(1_000);
    sim.store.updateCustomer('C000007', { BPCNAM: 'Changed' }, 'CLERK');
    const changed = await graphql(sim, token, CUSTOMERS, { filter: `{updateDateTime:{$gt:'${mark}'}}` });
    expect(changed.json.data.sage.x3BusinessPartners.customer.edges.map((e: { node: { code: string } }) => e.node.code)).to.deep.equal(['C000007']);
    const bad = await graphql(sim, token, CUSTOMERS, { filter: "{nope:'x'}" });
    expect(bad.json.errors[0].message).to.contain('unknown property nope');
  });

  it('creates and updates a customer, moving the update timestamp every time', async () => {
    const created = await graphql(sim, token, `mutation { sage { x3BusinessPartners { customer { create(data: { companyName: "Zoho Lead GmbH", country: "DE", currency: "EUR", creditLimit: 5000 }) { code createDateTime updateDateTime updateUser } } } } }`);
    const customer = created.json.data.sage.x3BusinessPartners.customer.create;
    expect(customer.updateUser).to.equal('API_USER');
    sim.clock.advance(60_000);
    const updated = await graphql(sim, token, `mutation($code: String!) { sage { x3BusinessPartners { customer { update(code: $code, data: { creditLimit: 9000 }) { creditLimit updateDateTime } } } } }`, { code: customer.code });
    const after = updated.json.data.sage.x3BusinessPartners.customer.update;
    expect(after.creditLimit).to.equal(9000);
    expect(Date.parse(after.updateDateTime)).to.be.greaterThan(Date.parse(customer.updateDateTime));
  });

  it('creates a sales order with CUSORDREF and finds it by customerOrderReference', async () => {
    const res = await graphql(sim, token, `mutation { sage { x3Sales { salesOrder { create(data: { salesSite: "FR011", soldToCustomer: "C000002", orderDate: "2026-03-02", currency: "EUR", customerOrderReference: "ZDEAL-42", lines: [{ product: "BMS001", quantityInSalesUnitOrdered: 3, grossPrice: 12.5 }] }) { id orderStatus lines { product quantityInSalesUnitOrdered } } } } } }`);
    const order = res.json.data.sage.x3Sales.salesOrder.create;
    expect(order.id).to.match(/^SOFR011\d{6}$/);
    const found = await graphql(sim, token, `{ sage { x3Sales { salesOrder(filter: "{customerOrderReference:'ZDEAL-42'}") { edges { node { id } } } } } }`);
    expect(found.json.data.sage.x3Sales.salesOrder.edges[0].node.id).to.equal(order.id);
  });

  it('refuses business errors with X3 messages as GraphQL errors', async () => {
    const res = await graphql(sim, token, `mutation { sage { x3Sales { salesOrder { create(data: { salesSite: "FR011", soldToCustomer: "NOPE", orderDate: "2026-03-02", lines: [{ product: "BMS001", quantityInSalesUnitOrdered: 1 }] }) { id } } } } }`);
    expect(res.status).to.equal(200);
    expect(res.json.errors[0].message).to.contain('NOPE: record does not exist');
    expect(res.json.errors[0].extensions.diagnoses[0].severity).to.equal('error');
  });
});
