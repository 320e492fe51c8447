import { expect } from 'chai';
import { eventually } from './harness/sync-stack.js';
import { X3SyncStack } from './harness/x3-sync-stack.js';

type Json = Record<string, unknown>;

const CUSTOMERS = 'x3-customers-zoho-accounts';
const DEALS = 'zoho-deals-to-x3-sales-orders';
const ORDERS = 'x3-sales-orders-to-zoho';
async function outcomesOf(stack: X3SyncStack, query: string): Promise<unknown[]> {
  const record = ((await stack.api('GET', `/records?q=${query}`)).body['records'] as Json[])[0] as Json;
  return ((await stack.api('GET', `/records/${String(record['id'])}`)).body['journal'] as Json[]).map((j) => j['outcome']);
}

const byCode = (records: Json[], code: string): Json | undefined => records.find((r) => r['X3_Customer_Code'] === code);

describe('sync flows: Sage X3 <-> Zoho CRM through relay and agent', () => {
  describe('Professional and above (webhooks)', () => {
    let stack: X3SyncStack;

    before(async () => {
      stack = await X3SyncStack.start({ customers: 30 });
    });
    after(async () => {
      await stack?.stop();
    });

    it('X3 customers <-> Zoho Accounts: initial load, X3 edits by update timestamp, Zoho edits and new Accounts by webhook, no echo', async () => {
      const initial = await stack.enableFlow(CUSTOMERS);
      expect(initial, JSON.stringify(initial)).to.include({ status: 'succeeded', succeeded: 30, dead: 0 });
      const accounts = await stack.zohoRecords('Accounts');
      expect(accounts).to.have.length(30);
      const first = byCode(accounts, 'C000001') as Json;
      const x3First = await stack.x3Customer('C000001') as Json;
      expect(first).to.include({ Account_Name: x3First['companyName'], Billing_Country: x3First['country'], X3_Currency: x3First['currency'], X3_Credit_Limit: x3First['creditLimit'], X3_Status: 'Active' });

      // An X3 user renames one customer and raises another's credit limit: only those two are written.
      await stack.x3.admin('PATCH', '/users/JDOE/customers/C000003', { BPCNAM: 'Renamed in X3 SA' });
      await stack.x3.admin('PATCH', '/users/JDOE/customers/C000004', { OSTAUZ: 777_000 });
      await stack.runFlow(CUSTOMERS);
      const after = await stack.zohoRecords('Accounts');
      expect(byCode(after, 'C000003')).to.include({ Account_Name: 'Renamed in X3 SA' });
      expect(byCode(after, 'C000004')).to.include({ X3_Credit_Limit: 777_000 });
      // Our write to Zoho may come back by webhook before this check: that echo is journaled as skipped, never written.
      expect((await outcomesOf(stack, 'C000003')).filter((o) => o !== 'skipped')).to.deep.equal(['succeeded', 'succeeded']);
      expect(await outcomesOf(stack, 'C000008')).to.deep.equal(['succeeded']);

      // A Zoho user renames an Account (the webhook wakes the flow) and adds a new one.
      await stack.zohoEdit('Accounts', String((byCode(after, 'C000005') as Json)['id']), { Account_Name: 'Renamed in Zoho GmbH' });
      const newId = await stack.zohoCreate('Accounts', { Account_Name: 'New From Zoho SARL', Billing_Country: 'Germany' });
      await eventually('the Zoho rename in X3', async () => (await stack.x3Customer('C000005'))?.['companyName'] === 'Renamed in Zoho GmbH');
      const created = await eventually('the new Account created in X3 and its code written back', async () => {
        const account = (await stack.zohoRecords('Accounts')).find((r) => r['id'] === newId);
        return typeof account?.['X3_Customer_Code'] === 'string' ? account : undefined;
      });
      expect(await stack.x3Customer(String(created['X3_Customer_Code']))).to.include({ companyName: 'New From Zoho SARL', country: 'DE', currency: 'EUR' });

      // Our own writes come back (X3 update timestamps, Zoho webhooks) and are not written again.
      const settledAt = new Date();
      await stack.runFlow(CUSTOMERS);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await stack.runFlow(CUSTOMERS);
      const since = await stack.runsSince(CUSTOMERS, settledAt);
      expect(since.length).to.be.at.least(2);
      for (const run of since) expect(run, JSON.stringify(run)).to.include({ succeeded: 0, dead: 0, retryLater: 0 });
    });

    it('field ownership: a name both sides changed goes to its owner', async () => {
      await stack.api('PATCH', `/flows/${CUSTOMERS}`, { config: { x3Profile: stack.profiles.oauth, ownership: { name: 'x3' } } });
      const account = byCode(await stack.zohoRecords('Accounts'), 'C000006') as Json;
      await stack.zohoEdit('Accounts', String(account['id']), { Account_Name: 'Zoho Wants This' });
      await stack.x3.admin('PATCH', '/users/JDOE/customers/C000006', { BPCNAM: 'X3 Owns This' });
      await stack.runFlow(CUSTOMERS);
      await eventually('both sides on the owner\'s name', async () => {
        const zoho = byCode(await stack.zohoRecords('Accounts'), 'C000006');
        return zoho?.['Account_Name'] === 'X3 Owns This' && (await stack.x3Customer('C000006'))?.['companyName'] === 'X3 Owns This';
      });
    });

    it('the Account shows read-only inventory availability of its open orders\' products and follows a stock change', async () => {
      // A sales order of C000007 for CON001 (made through the simulator's GraphQL as X3 would have it).
      await stack.x3.admin('PUT', '/users/WHSE/stock/CON001/FR011', { QTYSTU: 100, CUMALLQTY: 30 });
      await stack.x3.admin('PUT', '/users/WHSE/stock/CON001/FR012', { QTYSTU: 5, CUMALLQTY: 5 });
      await stack.x3.admin('PUT', '/users/WHSE/stock/CON001/DE011', { QTYSTU: 12, CUMALLQTY: 0 });
      await stack.x3CreateOrder('C000007', 'CON001', 3);
      await stack.runFlow(CUSTOMERS);
      const account = await eventually('the availability on the Account', async () => {
        const a = byCode(await stack.zohoRecords('Accounts'), 'C000007');
        return typeof a?.['X3_Inventory_Availability'] === 'string' ? a : undefined;
      });
      expect(account['X3_Inventory_Availability']).to.equal('CON001: 82 available (DE011 12, FR011 70)');
      expect(byCode(await stack.zohoRecords('Accounts'), 'C000009')?.['X3_Inventory_Availability'] ?? null).to.equal(null);

      // A warehouse clerk counts the stock: that Account is written once more, with the new quantities, and no other.
      const writesBefore = (await outcomesOf(stack, 'C000007')).filter((o) => o === 'succeeded').length;
      await stack.x3.admin('PUT', '/users/WHSE/stock/CON001/FR011', { QTYSTU: 40, CUMALLQTY: 30 });
      await stack.runFlow(CUSTOMERS);
      expect(byCode(await stack.zohoRecords('Accounts'), 'C000007')).to.include({ X3_Inventory_Availability: 'CON001: 22 available (DE011 12, FR011 10)' });
      expect((await outcomesOf(stack, 'C000007')).filter((o) => o === 'succeeded')).to.have.length(writesBefore + 1);
      expect(await outcomesOf(stack, 'C000009')).to.deep.equal(['succeeded']);

      // Read-only: a Zoho user's edit of the field is not taken back to X3 nor merged; X3's value returns with the next change.
      await stack.zohoEdit('Accounts', String(account['id']), { X3_Inventory_Availability: 'typed in Zoho' });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const quiet = await stack.runFlow(CUSTOMERS);
      expect(quiet, JSON.stringify(quiet)).to.include({ succeeded: 0, dead: 0 });
      await stack.x3.admin('PUT', '/users/WHSE/stock/CON001/DE011', { QTYSTU: 0 });
      await stack.runFlow(CUSTOMERS);
      expect(byCode(await stack.zohoRecords('Accounts'), 'C000007')).to.include({ X3_Inventory_Availability: 'CON001: 10 available (FR011 10)' });
    });

    it('Zoho Deals -> X3 sales orders: only at the stage, exactly once by CUSORDREF, number written back', async () => {
      const account = byCode(await stack.zohoRecords('Accounts'), 'C000002') as Json;
      await stack.enableFlow(DEALS, { product: 'BMS001' });
      const dealId = await stack.zohoCreate('Deals', { Deal_Name: 'Pumps for Lyon', Stage: 'Negotiation', Amount: 1234.5, Closing_Date: '2026-12-01', Account_Name: { id: account['id'] } });
      const early = await stack.runFlow(DEALS);
      expect(early, JSON.stringify(early)).to.include({ succeeded: 0, dead: 0 });
      expect(await stack.x3Orders(`{customerOrderReference:'${dealId}'}`)).to.have.length(0);

      await stack.zohoEdit('Deals', dealId, { Stage: 'Closed Won' });
      const deal = await eventually('the X3 order number on the Deal', async () => {
        const d = (await stack.zohoRecords('Deals')).find((r) => r['id'] === dealId);
        return typeof d?.['X3_Sales_Order'] === 'string' ? d : undefined;
      });
      const orders = await stack.x3Orders(`{customerOrderReference:'${dealId}'}`);
      expect(orders).to.have.length(1);
      expect(orders[0]).to.deep.include({ id: deal['X3_Sales_Order'], soldToCustomer: 'C000002' });
      expect((orders[0]?.['lines'] as Json[])[0]).to.include({ product: 'BMS001', grossPrice: 1234.5 });
      const again = await stack.runFlow(DEALS);
      expect(again, JSON.stringify(again)).to.include({ succeeded: 0, dead: 0 });
      expect(await stack.x3Orders(`{customerOrderReference:'${dealId}'}`)).to.have.length(1);
    });

    it('X3 saves an order but answers with error messages: the next try finds it by CUSORDREF, no duplicate', async () => {
      const account = byCode(await stack.zohoRecords('Accounts'), 'C000007') as Json;
      await stack.x3.admin('POST', '/faults', { kind: 'success-with-errors', count: 1 });
      const dealId = await stack.zohoCreate('Deals', { Deal_Name: 'Valves', Stage: 'Closed Won', Amount: 99, Account_Name: { id: account['id'] } });
      await eventually('the order number on the Deal', async () => typeof (await stack.zohoRecords('Deals')).find((r) => r['id'] === dealId)?.['X3_Sales_Order'] === 'string');
      expect(await stack.x3Orders(`{customerOrderReference:'${dealId}'}`)).to.have.length(1);
      const record = ((await stack.api('GET', `/records?q=${dealId}`)).body['records'] as Json[])[0] as Json;
      const journal = (await stack.api('GET', `/records/${String(record['id'])}`)).body['journal'] as Json[];
      expect(journal.map((j) => j['outcome'])).to.deep.equal(['retry', 'succeeded']);
      expect(String(journal[0]?.['error'])).to.contain('saved the change but reported errors');
      expect(journal[1]?.['response']).to.deep.include({ by: `CUSORDREF = ${dealId}` });
    });

    it('a Deal X3 cannot take is a dead letter with the reason; the rest goes on', async () => {
      const dealId = await stack.zohoCreate('Deals', { Deal_Name: 'No account', Stage: 'Closed Won', Amount: 5 });
      const dead = await eventually('the dead letter', async () => ((await stack.api('GET', `/records?q=${dealId}&status=dead`)).body['records'] as Json[])[0]);
      expect(String(dead['deadReason'])).to.contain('names no Account');
    });

    it('X3 sales orders -> Zoho Sales_Orders: created with their Deal, status kept current', async () => {
      const run = await stack.enableFlow(ORDERS);
      expect(run, JSON.stringify(run)).to.include({ status: 'succeeded', dead: 0 });
      const orders = await stack.x3Orders('{}');
      const zohoOrders = await stack.zohoRecords('Sales_Orders');
      expect(zohoOrders).to.have.length(orders.length);
      const fromDeal = orders.find((o) => o['soldToCustomer'] === 'C000002') as Json;
      const zohoOrder = zohoOrders.find((o) => o['X3_Order_Number'] === fromDeal['id']) as Json;
      expect(zohoOrder).to.include({ Status: 'Created', SO_Number: fromDeal['id'] });
      expect((zohoOrder['Deal_Name'] as Json)['id']).to.be.a('string');
      expect(zohoOrder['Ordered_Items']).to.have.length(1);

      await stack.x3.admin('POST', `/users/JDOE/sales-orders/${String(fromDeal['id'])}/close`);
      const update = await stack.runFlow(ORDERS);
      expect(update, JSON.stringify(update)).to.include({ succeeded: 1, dead: 0 });
      const closed = (await stack.zohoRecords('Sales_Orders')).find((o) => o['X3_Order_Number'] === fromDeal['id']) as Json;
      expect(closed).to.include({ Status: 'Delivered' });
      expect(closed['Ordered_Items']).to.have.length(1);
    });

    it('X3 failure modes: no web-service pool is retried away, a lock waits for the next run, a refusal is a dead letter', async () => {
      await stack.x3.admin('POST', '/faults', { kind: 'no-pool', count: 2 });
      await stack.x3.admin('PATCH', '/users/JDOE/customers/C000010', { BPCNAM: 'Read Through No Pool' });
      const noPool = await stack.runFlow(CUSTOMERS);
      expect(noPool, JSON.stringify(noPool)).to.include({ status: 'succeeded', dead: 0 });
      expect((await stack.x3.admin('GET', '/state'))['faults']).to.include({ 'no-pool': 0 });
      expect(byCode(await stack.zohoRecords('Accounts'), 'C000010')).to.include({ Account_Name: 'Read Through No Pool' });

      // Another X3 session holds the customer while Zoho renames it: retried, then left pending.
      await stack.api('PATCH', `/flows/${CUSTOMERS}`, { enabled: false });
      await stack.x3.admin('POST', '/users/JDOE/locks', { entity: 'BPCUSTOMER', key: 'C000011', ttlMs: 600_000 });
      const locked = byCode(await stack.zohoRecords('Accounts'), 'C000011') as Json;
      await stack.zohoEdit('Accounts', String(locked['id']), { Account_Name: 'Renamed While Locked' });
      await stack.api('PATCH', `/flows/${CUSTOMERS}`, { enabled: true });
      const waiting = await stack.runFlow(CUSTOMERS, 120_000);
      expect(waiting, JSON.stringify(waiting)).to.include({ status: 'partial', retryLater: 1, dead: 0 });
      const pending = ((await stack.api('GET', `/records?q=C000011`)).body['records'] as Json[])[0] as Json;
      expect(pending).to.include({ status: 'pending' });
      expect(String(pending['lastError'])).to.contain('locked');
      await stack.x3.admin('DELETE', '/users/JDOE/locks');
      const released = await stack.runFlow(CUSTOMERS);
      expect(released, JSON.stringify(released)).to.include({ status: 'succeeded', dead: 0 });
      expect(await stack.x3Customer('C000011')).to.include({ companyName: 'Renamed While Locked' });

      // An Account carrying a code X3 does not know: X3 refuses the change, a person must fix it.
      const strayId = await stack.zohoCreate('Accounts', { Account_Name: 'Stray', X3_Customer_Code: 'C999999' });
      const dead = await eventually('the refused Account in the dead letters', async () => ((await stack.api('GET', `/records?q=${strayId}&status=dead`)).body['records'] as Json[])[0]);
      expect(String(dead['deadReason'])).to.match(/X3 refused it: .*C999999.*does not exist/);
    });
  });

  describe('Standard edition (no Professional modules, no webhooks)', () => {
    let stack: X3SyncStack;

    before(async () => {
      stack = await X3SyncStack.start({ customers: 10, edition: 'standard', relayEnv: { ZOHO_WATCH_MODULES: '' } });
    });
    after(async () => {
      await stack?.stop();
    });

    it('shows the Sales Orders flow unavailable with the reason and refuses to enable it', async () => {
      const flows = (await stack.api('GET', '/flows')).body['flows'] as Json[];
      const orders = flows.find((f) => f['key'] === ORDERS) as Json;
      expect(orders).to.include({ available: false });
      expect(String(orders['unavailableReason'])).to.contain('Sales_Orders').and.to.contain('Standard');
      expect(flows.find((f) => f['key'] === CUSTOMERS)).to.include({ available: true, unavailableReason: null });
      expect(flows.find((f) => f['key'] === DEALS)).to.include({ available: true });
      const refused = await stack.api('PATCH', `/flows/${ORDERS}`, { enabled: true });
      expect(refused.status).to.equal(409);
      expect(JSON.stringify(refused.body)).to.contain('Standard edition');
    });

    it('customers and deals work by Modified_Time polling', async () => {
      const initial = await stack.enableFlow(CUSTOMERS, { zohoPollMs: 10_000 }, 2_000);
      expect(initial, JSON.stringify(initial)).to.include({ status: 'succeeded', succeeded: 10 });
      await stack.enableFlow(DEALS, { zohoPollMs: 10_000, product: 'SER005' }, 2_000);
      const account = byCode(await stack.zohoRecords('Accounts'), 'C000001') as Json;
      await stack.zohoEdit('Accounts', String(account['id']), { Account_Name: 'Polled Into X3' });
      const dealId = await stack.zohoCreate('Deals', { Deal_Name: 'Standard deal', Stage: 'Closed Won', Amount: 50, Account_Name: { id: account['id'] } });
      await eventually('the polled rename in X3', async () => (await stack.x3Customer('C000001'))?.['companyName'] === 'Polled Into X3', 60_000);
      await eventually('the polled deal as an X3 order', async () => (await stack.x3Orders(`{customerOrderReference:'${dealId}'}`)).length === 1, 60_000);
    });
  });
});
