import { expect } from 'chai';
import { Client } from './rfc-client.js';
import { Pool } from './rfc-pool.js';
import { poInput, readTable, rejection, SimFixture, sleep } from '../testing/sim-fixture.js';

describe('Client and Pool against the sim-sap-ecc process', () => {
  const fx = new SimFixture(['--max-sessions', '4', '--work-processes', '2']);
  before(() => fx.start());
  after(() => fx.stop());
  afterEach(() => fx.closeClients());

  it('opens a session and reports its connection info', async () => {
    const c = await fx.client();
    expect(c.alive).to.equal(true);
    expect(c.connectionHandle).to.be.a('number').and.greaterThan(0);
    expect(c.connectionInfo).to.include({ sysId: 'ECS', client: '100', user: 'MLC_RFC', language: 'E' });
    expect(await c.ping()).to.equal(true);
    await c.close();
    expect(c.alive).to.equal(false);
  });

  it('rejects a wrong password with the RFC_LOGON_FAILURE object node-rfc gives', async () => {
    const c = new Client({ ...fx.sim.connectionParameters, passwd: 'wrong' });
    const err = await rejection(c.open() as Promise<Client>);
    expect(err).to.deep.equal({
      name: 'RfcLibError', group: 3, code: 2, codeString: 'RFC_LOGON_FAILURE', key: 'RFC_LOGON_FAILURE',
      message: 'Name or password is incorrect (repeat logon)',
    });
    expect(c.alive).to.equal(false);
  });

  it('rejects missing host parameters as RFC_INVALID_PARAMETER', async () => {
    const err = await rejection(new Client({ user: 'MLC_RFC', passwd: 'x' }).open() as Promise<Client>);
    expect(err).to.include({ name: 'RfcLibError', code: 20, key: 'RFC_INVALID_PARAMETER', message: 'Parameter ASHOST, GWHOST, MSHOST or PORT is missing.' });
  });

  it('names an unknown parameter or structure field like node-rfc', async () => {
    const c = await fx.client();
    expect(await rejection(c.call('STFC_CONNECTION', { XXX: 'wrong param' }))).to.deep.equal({
      name: 'RfcLibError', group: 5, code: 20, codeString: 'RFC_INVALID_PARAMETER', key: 'RFC_INVALID_PARAMETER', message: "field 'XXX' not found",
    });
    const err = await rejection(c.call('BAPI_PO_CREATE1', { POHEADER: { VENDORX: '1' } }));
    expect(err).to.include({ code: 20, message: "field 'VENDORX' not found" });
    expect(c.alive).to.equal(true);
  });

  it('type-checks arguments the way node-rfc does, with a TypeError and the connection kept', async () => {
    const c = await fx.client();
    const handle = c.connectionHandle;
    const rowcount = await rejection(c.call('RFC_READ_TABLE', { QUERY_TABLE: 'T001', ROWCOUNT: '10' as unknown as number }));
    expect(rowcount).to.be.instanceOf(TypeError);
    expect(rowcount.message).to.equal('Integer number expected when filling field ROWCOUNT of type 8');
    const vendor = await rejection(c.call('BAPI_PO_CREATE1', { POHEADER: { VENDOR: 300001 } }));
    expect(vendor.message).to.equal('Char expected when filling field VENDOR of type 0');
    const table = await rejection(c.call('RFC_READ_TABLE', { QUERY_TABLE: 'T001', OPTIONS: { TEXT: 'x' } }));
    expect(table.message).to.equal('Array expected when filling field OPTIONS of type 5');
    expect(c.connectionHandle).to.equal(handle);
  });

  it('answers an unknown function module with FU_NOT_FOUND (RFC_ABAP_EXCEPTION, FL 046)', async () => {
    const c = await fx.client();
    expect(await rejection(c.call('Z_DOES_NOT_EXIST', {}))).to.deep.equal({
      name: 'ABAPError', group: 1, code: 5, codeString: 'RFC_ABAP_EXCEPTION', key: 'FU_NOT_FOUND',
      message: 'ID:FL Type:E Number:046 Z_DOES_NOT_EXIST', abapMsgClass: 'FL', abapMsgType: 'E', abapMsgNumber: '046',
      abapMsgV1: 'Z_DOES_NOT_EXIST', abapMsgV2: '', abapMsgV3: '', abapMsgV4: '',
    });
  });

  it('fails calls over a closed client with nodeRfcError', async () => {
    const c = await fx.client();
    await c.close();
    expect(await rejection(c.call('RFC_PING', {}))).to.deep.equal({ name: 'nodeRfcError', message: 'RFM client request over closed connection: invoke() RFC_PING' });
    expect(await rejection(c.close() as Promise<void>)).to.deep.equal({ name: 'nodeRfcError', message: 'RFM client request over closed connection: close()' });
  });

  it('cancels a call after the timeout (seconds) with RFC_CANCELED and reconnects with a new handle', async () => {
    const c = await fx.client();
    const handle = c.connectionHandle;
    await fx.admin('PUT', '/faults', { latencyMs: 1500 });
    try {
      const err = await rejection(c.call('RFC_PING', {}, { timeout: 0.3 }));
      expect(err).to.deep.equal({ name: 'RfcLibError', group: 4, code: 7, codeString: 'RFC_CANCELED', key: 'RFC_CANCELED', message: 'Connection was canceled.' });
    } finally {
      await fx.admin('PUT', '/faults', { latencyMs: 0 });
    }
    expect(c.alive).to.equal(true);
    expect(c.connectionHandle).to.not.equal(handle);
  });

  it('reports a dropped connection as RFC_COMMUNICATION_FAILURE', async () => {
    const c = await fx.client();
    await fx.admin('PUT', '/faults', { communicationFailureRate: 1 });
    const err = await rejection(c.call('RFC_PING', {}));
    await fx.admin('PUT', '/faults', { communicationFailureRate: 0 });
    expect(err).to.include({ name: 'RfcLibError', group: 4, code: 1, codeString: 'RFC_COMMUNICATION_FAILURE', key: 'RFC_COMMUNICATION_FAILURE' });
    expect(await c.ping()).to.equal(true);
  });

  it('refuses connections while the gateway is down, then accepts them again', async () => {
    const open = await fx.client();
    await fx.admin('PUT', '/faults', { gatewayDown: true });
    try {
      const err = await rejection(new Client(fx.sim.connectionParameters).open() as Promise<Client>);
      expect(err).to.include({ code: 1, key: 'RFC_COMMUNICATION_FAILURE' });
      expect(err.message).to.match(/partner '127\.0\.0\.1:\d+' not reached/);
      expect((await rejection(open.call('RFC_PING', {}))).code).to.equal(1);
      expect(open.alive).to.equal(false);
    } finally {
      await fx.admin('PUT', '/faults', { gatewayDown: false });
    }
    expect(await (await fx.client()).ping()).to.equal(true);
  });

  it('caps concurrent sessions and answers the next logon like a full gateway', async () => {
    const clients = await Promise.all([0, 1, 2, 3].map(() => fx.client()));
    const err = await rejection(new Client(fx.sim.connectionParameters).open() as Promise<Client>);
    expect(err).to.include({ name: 'RfcLibError', code: 1, key: 'RFC_COMMUNICATION_FAILURE' });
    expect(err.message).to.contain('max no of 4 conversations exceeded');
    await clients[0].close();
    await sleep(50);
    expect(await (await fx.client()).ping()).to.equal(true);
    await Promise.all(clients.slice(1).map((c) => c.close()));
  });

  it('resetServerContext and the stateless option discard uncommitted work', async () => {
    const c = await fx.client();
    const created = await c.call('BAPI_PO_CREATE1', poInput('0000300300', 'RESET-1'));
    expect(String(created.EXPPURCHASEORDER)).to.match(/^45/);
    await c.resetServerContext();
    await c.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(c, 'EKKO', ["IHREZ = 'RESET-1'"], ['EBELN'])).to.deep.equal([]);
    const stateless = new Client(fx.sim.connectionParameters, { stateless: true });
    await stateless.open();
    await stateless.call('BAPI_PO_CREATE1', poInput('0000300300', 'RESET-2'));
    await stateless.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(c, 'EKKO', ["IHREZ = 'RESET-2'"], ['EBELN'])).to.deep.equal([]);
    await stateless.close();
  });

  it('supports node-rfc callbacks as well as promises', async () => {
    const c = new Client(fx.sim.connectionParameters);
    await new Promise<void>((resolve, reject) => c.open((err) => (err ? reject(err as Error) : resolve())));
    const result = await new Promise((resolve, reject) =>
      c.invoke('STFC_CONNECTION', { REQUTEXT: 'hello' }, (err, res) => (err ? reject(err as Error) : resolve(res))));
    expect(result).to.include({ ECHOTEXT: 'hello' });
    await c.close();
  });

  it('Pool: ready() opens idle connections up to the number asked', async () => {
    const pool = new Pool({ connectionParameters: fx.sim.connectionParameters, poolOptions: { low: 2, high: 3 } });
    await pool.ready();
    expect(pool.status).to.deep.equal({ ready: 2, leased: 0 });
    const c = (await pool.acquire()) as Client;
    expect(await c.ping()).to.equal(true);
    expect(pool.status).to.deep.equal({ ready: 1, leased: 1 });
    await pool.release(c);
    await pool.closeAll();
  });

  it('queues calls beyond the dialog work processes instead of refusing them', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => fx.client()));
    await fx.admin('PUT', '/faults', { latencyMs: 400 });
    try {
      const calls = Promise.all(clients.map((c) => c.call('RFC_PING', {})));
      await sleep(150);
      expect((await fx.admin('GET', '/health')).body).to.include({ workProcessesBusy: 2, queuedCalls: 1 });
      expect(await calls).to.have.length(3);
      expect((await fx.admin('GET', '/health')).body).to.include({ workProcessesBusy: 0, queuedCalls: 0 });
    } finally {
      await fx.admin('PUT', '/faults', { latencyMs: 0 });
    }
  });

  it('Pool: high is not a cap, and release keeps idle clients for reuse', async () => {
    const pool = new Pool({ connectionParameters: fx.sim.connectionParameters, poolOptions: { low: 0, high: 1 } });
    const leased = (await pool.acquire(3)) as Client[];
    expect(leased).to.have.length(3);
    expect(pool.status).to.deep.equal({ ready: 0, leased: 3 });
    await pool.release(leased);
    expect(pool.status).to.deep.equal({ ready: 1, leased: 0 });
    const again = (await pool.acquire()) as Client;
    expect(again).to.equal(leased[0]);
    await pool.release(again);
    await pool.closeAll();
  });
});
