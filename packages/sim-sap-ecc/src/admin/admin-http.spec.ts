import { expect } from 'chai';
import { poInput, readTable, SimFixture } from '../testing/sim-fixture.js';

describe('admin HTTP API', () => {
  const fx = new SimFixture();
  before(() => fx.start());
  after(() => fx.stop());

  it('reads tables with the RFC_READ_TABLE WHERE subset', async () => {
    const res = await fx.admin('GET', `/tables/KNA1?where=${encodeURIComponent("KUNNR BETWEEN '0000100000' AND '0000100002'")}`);
    expect((res.body.rows as Array<{ KUNNR: string }>).map((r) => r.KUNNR)).to.deep.equal(['0000100000', '0000100001', '0000100002']);
    expect((await fx.admin('GET', `/tables/KNA1?where=${encodeURIComponent('NOPE = 1')}`)).status).to.equal(400);
    expect((await fx.admin('GET', '/tables/ZNOPE')).status).to.equal(404);
  });

  it('shows sessions with their locks, and committed purchase orders by reference', async () => {
    const c = await fx.client();
    const ebeln = String((await c.call('BAPI_PO_CREATE1', poInput('0000300200', 'ADMIN-PO'))).EXPPURCHASEORDER);
    const sessions = await fx.admin('GET', '/sessions');
    expect(sessions.body.locks).to.deep.include.members([{ object: `EKKO ${ebeln}`, sessionId: (sessions.body.sessions as Array<{ handle: number }>)[0].handle, user: 'MLC_RFC' }]);
    expect(((await fx.admin('GET', '/purchase-orders?ref=ADMIN-PO')).body.orders as unknown[]).length).to.equal(0);
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    const orders = (await fx.admin('GET', '/purchase-orders?ref=ADMIN-PO')).body.orders as Array<{ EKKO: { EBELN: string }; EKPO: unknown[] }>;
    expect(orders.map((o) => o.EKKO.EBELN)).to.deep.equal([ebeln]);
    expect(orders[0].EKPO).to.have.length(1);
    expect((await fx.admin('GET', `/purchase-orders/${ebeln}`)).status).to.equal(200);
    expect((await fx.admin('GET', '/purchase-orders/4599999999')).status).to.equal(404);
    expect((await fx.admin('GET', '/sessions')).body.locks).to.deep.equal([]);
  });

  it('validates fault knobs', async () => {
    expect((await fx.admin('PUT', '/faults', { systemFailureRate: 2 })).status).to.equal(400);
    const res = await fx.admin('PUT', '/faults', { latencyMs: 5 });
    expect(res.body).to.include({ latencyMs: 5, systemFailureRate: 0, gatewayDown: false });
    await fx.admin('PUT', '/faults', { latencyMs: 0 });
  });

  it('dates change documents by the simulator clock', async () => {
    await fx.admin('PUT', '/clock', { now: '2027-01-15T08:30:00Z' });
    await fx.admin('PATCH', '/vendors/0000300201', { LFA1: { NAME2: 'Clocked' } });
    const c = await fx.client();
    const rows = await readTable(c, 'CDHDR', ["OBJECTCLAS = 'KRED' AND OBJECTID = '0000300201'"], ['UDATE', 'UTIME']);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.match(/^20270115\|0830\d\d$/);
    const missing = await fx.admin('PATCH', '/vendors/0000999999', { LFA1: { NAME2: 'x' } });
    expect(missing.status).to.equal(404);
  });
});
