import { TunnelError } from '@mlc/tunnel';
import { expect } from 'chai';
import { withConnection } from './rfc-connector.js';
import { runRfcTransaction, type TransactionCall } from './rfc-transaction.js';
import { poParams, rejection, SimPoolFixture } from './testing/sim-pool.fixture.js';

describe('runRfcTransaction (one LUW on one pooled connection)', function () {
  const fixture = new SimPoolFixture();
  before(() => fixture.start());
  after(() => fixture.stop());

  const posted = async (ref: string): Promise<unknown[]> => {
    const found = await fixture.admin('GET', `/purchase-orders?ref=${ref}`);
    return found['orders'] as unknown[];
  };
  const create = (vendor: string, ref: string): TransactionCall => ({ functionModule: 'BAPI_PO_CREATE1', params: poParams(vendor, ref) });

  it('commits with WAIT so the PO exists when it answers, and returns each call\'s exports and RETURN rows', async () => {
    const outcome = await withConnection(fixture.pool, undefined, (c) => runRfcTransaction(c, [create('0000300000', 'TX-OK-1')]));
    expect(outcome.calls).to.have.length(1);
    const ebeln = String(outcome.calls[0].exports['EXPPURCHASEORDER']);
    expect(ebeln).to.match(/^\d{10}$/);
    expect(outcome.calls[0].returnRows.some((r) => r.TYPE === 'S')).to.equal(true);
    expect(await posted('TX-OK-1')).to.have.length(1);
  });

  it('rolls back every call when a later BAPI answers RETURN type E', async () => {
    const err = await rejection(withConnection(fixture.pool, undefined, (c) => runRfcTransaction(c, [create('0000300000', 'TX-E-1'), create('0000999999', 'TX-E-2')])));
    expect(err).to.be.instanceOf(TunnelError);
    const error = err as TunnelError;
    expect(error.code).to.equal('BUSINESS_ERROR');
    expect(error.retryable).to.equal(false);
    expect(error.detail).to.include({ failed_call: '1', rolled_back: 'true' });
    const rows = JSON.parse(error.detail['return']) as Array<{ TYPE: string }>;
    expect(rows.some((r) => r.TYPE === 'E')).to.equal(true);
    expect(await posted('TX-E-1')).to.have.length(0);
    // The rollback released the first PO's vendor lock: the same vendor can be posted at once.
    await withConnection(fixture.pool, undefined, (c) => runRfcTransaction(c, [create('0000300000', 'TX-E-3')]));
    expect(await posted('TX-E-3')).to.have.length(1);
  });

  it('rolls back when a call raises an ABAP exception', async () => {
    const err = await rejection(withConnection(fixture.pool, undefined, (c) => runRfcTransaction(c, [create('0000300000', 'TX-X-1'), { functionModule: 'Z_NOT_THERE', params: {} }])));
    expect((err as TunnelError).code).to.equal('BUSINESS_ERROR');
    expect((err as TunnelError).detail).to.include({ rfc_key: 'FU_NOT_FOUND', failed_call: '1', phase: 'call' });
    expect(await posted('TX-X-1')).to.have.length(0);
  });
});
