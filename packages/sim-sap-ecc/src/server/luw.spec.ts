import { expect } from 'chai';
import { messages, poInput, readTable, rejection, SimFixture, sleep } from '../testing/sim-fixture.js';

describe('LUW semantics and locks (sim-sap-ecc process)', () => {
  const fx = new SimFixture();
  before(() => fx.start());
  after(() => fx.stop());

  it('keeps a created PO invisible to everyone until BAPI_TRANSACTION_COMMIT on the same connection', async () => {
    const writer = await fx.client();
    const reader = await fx.client();
    const created = await writer.call('BAPI_PO_CREATE1', poInput('0000300001', 'LUW-1'));
    const ebeln = String(created.EXPPURCHASEORDER);
    expect(ebeln).to.match(/^45\d{8}$/);
    expect(await readTable(reader, 'EKKO', [`EBELN = '${ebeln}'`], ['EBELN'])).to.deep.equal([]);
    expect(await readTable(writer, 'EKKO', [`EBELN = '${ebeln}'`], ['EBELN'])).to.deep.equal([]);
    const before = await reader.call('BAPI_PO_GETDETAIL1', { PURCHASEORDER: ebeln });
    expect(messages(before)[0]).to.match(/^E .* Purchase order \d+ does not exist/);

    await writer.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(reader, 'EKKO', [`EBELN = '${ebeln}'`], ['EBELN', 'IHREZ'])).to.deep.equal([`${ebeln}|LUW-1`]);
    const detail = await reader.call('BAPI_PO_GETDETAIL1', { PURCHASEORDER: ebeln });
    expect(detail.POHEADER).to.include({ PO_NUMBER: ebeln, VENDOR: '0000300001', REF_1: 'LUW-1' });
  });

  it('discards the work on BAPI_TRANSACTION_ROLLBACK, and a later commit does not bring it back', async () => {
    const writer = await fx.client();
    const ebeln = String((await writer.call('BAPI_PO_CREATE1', poInput('0000300002', 'LUW-2'))).EXPPURCHASEORDER);
    await writer.call('BAPI_TRANSACTION_ROLLBACK', {});
    await writer.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(writer, 'EKKO', [`EBELN = '${ebeln}'`], ['EBELN'])).to.deep.equal([]);
  });

  it('discards the work when the connection is dropped before the commit', async () => {
    const writer = await fx.client();
    const ebeln = String((await writer.call('BAPI_PO_CREATE1', poInput('0000300003', 'LUW-3'))).EXPPURCHASEORDER);
    await writer.close();
    const reader = await fx.client();
    expect(await readTable(reader, 'EKKO', [`IHREZ = 'LUW-3'`], ['EBELN'])).to.deep.equal([]);
    // The vendor lock went with the session: a new PO for the same vendor goes through.
    const again = await reader.call('BAPI_PO_CREATE1', poInput('0000300003', 'LUW-3b'));
    expect(String(again.EXPPURCHASEORDER)).to.match(/^45/);
    expect(again.EXPPURCHASEORDER).to.not.equal(ebeln);
    await reader.call('BAPI_TRANSACTION_ROLLBACK', {});
  });

  it('locks the vendor of an uncommitted PO against other sessions until commit', async () => {
    const first = await fx.client();
    const second = await fx.client();
    await first.call('BAPI_PO_CREATE1', poInput('0000300004', 'LOCK-1'));
    const blocked = await second.call('BAPI_PO_CREATE1', poInput('0000300004', 'LOCK-2'));
    expect(blocked.EXPPURCHASEORDER).to.equal('');
    expect(messages(blocked)).to.include('E ME 006 User MLC_RFC already processing vendor 0000300004');
    const vendorChange = await second.call('Z_MLC_VENDOR_MAINTAIN', { I_LIFNR: '0000300004', IS_LFA1: { NAME1: 'Blocked rename' } });
    expect(messages(vendorChange)[0]).to.match(/^E ZMLC_VENDOR 003 Vendor 0000300004 is currently being processed by user MLC_RFC/);
    const adminChange = await fx.admin('PATCH', '/vendors/0000300004', { LFA1: { NAME1: 'Admin rename' } });
    expect(adminChange.status).to.equal(409);

    await first.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    const after = await second.call('BAPI_PO_CREATE1', poInput('0000300004', 'LOCK-2'));
    expect(String(after.EXPPURCHASEORDER)).to.match(/^45/);
    await second.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
  });

  it('makes a commit without WAIT visible only once the update task has run', async () => {
    const writer = await fx.client();
    const reader = await fx.client();
    await writer.call('BAPI_PO_CREATE1', poInput('0000300005', 'ASYNC-1'));
    await writer.call('BAPI_TRANSACTION_COMMIT', {});
    expect(await readTable(reader, 'EKKO', [`IHREZ = 'ASYNC-1'`], ['IHREZ'])).to.deep.equal([]);
    await sleep(600);
    expect(await readTable(reader, 'EKKO', [`IHREZ = 'ASYNC-1'`], ['IHREZ'])).to.deep.equal(['ASYNC-1']);
  });

  it('loses uncommitted work after a short dump, on a reopened connection with a new handle', async () => {
    const writer = await fx.client();
    await writer.call('BAPI_PO_CREATE1', poInput('0000300006', 'DUMP-1'));
    const handle = writer.connectionHandle;
    await fx.admin('PUT', '/faults', { systemFailureRate: 1 });
    const dump = await rejection(writer.call('RFC_PING', {}));
    await fx.admin('PUT', '/faults', { systemFailureRate: 0 });
    expect(dump).to.include({ name: 'ABAPError', code: 3, codeString: 'RFC_ABAP_RUNTIME_FAILURE', group: 2 });
    expect(writer.alive).to.equal(true);
    expect(writer.connectionHandle).to.not.equal(handle);
    await writer.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    expect(await readTable(writer, 'EKKO', [`IHREZ = 'DUMP-1'`], ['EBELN'])).to.deep.equal([]);
  });
});
