import { TunnelError } from '@mlc/tunnel';
import { expect } from 'chai';
import { DEFAULT_RFC_MODULE, loadRfcModule } from './node-rfc.adapter.js';
import { withConnection } from './rfc-connector.js';
import { poParams, rejection, SimPoolFixture } from './testing/sim-pool.fixture.js';

describe('NodeRfcConnectionPool (node-rfc adapter, simulator client loaded in its place)', function () {
  const fixture = new SimPoolFixture(['--latency-ms', '30', '--max-sessions', '20'], 3);
  before(() => fixture.start());
  after(() => fixture.stop());

  it('says how to fix a missing node-rfc / NW RFC SDK, naming SAPNWRFC_HOME', async function () {
    let err: unknown;
    try {
      await loadRfcModule(DEFAULT_RFC_MODULE);
    } catch (caught) {
      err = caught;
    }
    if (!err) this.skip(); // this machine has the NW RFC SDK
    expect(err).to.be.instanceOf(TunnelError);
    expect((err as TunnelError).code).to.equal('UNAVAILABLE');
    expect((err as TunnelError).retryable).to.equal(false);
    expect((err as TunnelError).message).to.contain('SAPNWRFC_HOME');
  });

  it('never has more connections in use than its cap, however many calls are waiting', async () => {
    let peak = 0;
    let peakSessions = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, fixture.pool.status.leased);
      void fixture.admin('GET', '/health').then((h) => (peakSessions = Math.max(peakSessions, Number(h['sessions']))), () => undefined);
    }, 5);
    const results = await Promise.all(Array.from({ length: 30 }, () => withConnection(fixture.pool, undefined, (c) => c.call('STFC_CONNECTION', { REQUTEXT: 'hi' }))));
    clearInterval(sampler);
    expect(results).to.have.length(30);
    expect(peak).to.equal(3);
    expect(peakSessions).to.be.at.most(3);
    expect(fixture.pool.status).to.deep.equal({ leased: 0, queued: 0, maxConnections: 3 });
  });

  it('gives up waiting for a slot when the caller aborts', async () => {
    const held = await Promise.all([1, 2, 3].map(() => fixture.pool.acquire()));
    const abort = new AbortController();
    const waiting = fixture.pool.acquire(abort.signal);
    expect(fixture.pool.status.queued).to.equal(1);
    abort.abort(new TunnelError('CANCELLED', 'caller gave up'));
    const err = await rejection(waiting);
    expect((err as TunnelError).code).to.equal('CANCELLED');
    expect(fixture.pool.status.queued).to.equal(0);
    await Promise.all(held.map((c) => fixture.pool.release(c)));
  });

  it('maps an ABAP exception to a BUSINESS_ERROR carrying the RFC key', async () => {
    const err = await rejection(withConnection(fixture.pool, undefined, (c) => c.call('Z_DOES_NOT_EXIST', {})));
    expect(err).to.be.instanceOf(TunnelError);
    expect((err as TunnelError).code).to.equal('BUSINESS_ERROR');
    expect((err as TunnelError).retryable).to.equal(false);
    expect((err as TunnelError).detail['rfc_key']).to.equal('FU_NOT_FOUND');
  });

  it('maps a dropped connection to a retryable UNAVAILABLE', async () => {
    await fixture.admin('PUT', '/faults', { communicationFailureRate: 1 });
    try {
      const err = await rejection(withConnection(fixture.pool, undefined, (c) => c.call('RFC_PING', {})));
      expect((err as TunnelError).code).to.equal('UNAVAILABLE');
      expect((err as TunnelError).retryable).to.equal(true);
      expect((err as TunnelError).detail['rfc_code']).to.equal('RFC_COMMUNICATION_FAILURE');
    } finally {
      await fixture.admin('PUT', '/faults', { communicationFailureRate: 0 });
    }
    expect(fixture.pool.status.leased).to.equal(0);
  });

  it('maps a wrongly typed argument to INVALID_ARGUMENT', async () => {
    const err = await rejection(withConnection(fixture.pool, undefined, (c) => c.call('RFC_READ_TABLE', { QUERY_TABLE: 'T001', ROWCOUNT: 'ten' })));
    expect((err as TunnelError).code).to.equal('INVALID_ARGUMENT');
  });

  it('cancels a running call on the server when the signal aborts', async () => {
    await fixture.admin('PUT', '/faults', { latencyMs: 5_000 });
    try {
      const abort = new AbortController();
      const started = Date.now();
      setTimeout(() => abort.abort(new TunnelError('DEADLINE_EXCEEDED', 'deadline passed')), 100);
      const err = await rejection(withConnection(fixture.pool, abort.signal, (c) => c.call('RFC_PING', {}, { signal: abort.signal })));
      expect((err as TunnelError).code).to.equal('DEADLINE_EXCEEDED');
      expect(Date.now() - started).to.be.below(3_000);
    } finally {
      await fixture.admin('PUT', '/faults', { latencyMs: 30 });
    }
  });
});

describe('NodeRfcConnectionPool after SAP comes back', function () {
  const fixture = new SimPoolFixture([], 3);
  before(() => fixture.start());
  after(() => fixture.stop());

  it('fails at most one call on stale connections, then checks the others before reuse', async () => {
    const call = (): Promise<unknown> => withConnection(fixture.pool, undefined, (c) => c.call('RFC_PING', {}));
    await Promise.all([call(), call(), call()]); // three idle connections now
    await fixture.admin('PUT', '/faults', { gatewayDown: true });
    await fixture.admin('PUT', '/faults', { gatewayDown: false });
    const outcomes = [];
    for (let i = 0; i < 4; i += 1) outcomes.push(await call().then(() => 'ok', (err: TunnelError) => err.code));
    expect(outcomes.slice(1)).to.deep.equal(['ok', 'ok', 'ok']);
    expect(outcomes[0]).to.be.oneOf(['ok', 'UNAVAILABLE']);
  });

  it('resets a released connection, so uncommitted work never leaks to the next caller', async () => {
    const pool = fixture.pool;
    const connection = await pool.acquire();
    const created = await connection.call('BAPI_PO_CREATE1', poParams('0000300000', 'LEAK-1'));
    expect(String(created['EXPPURCHASEORDER'])).to.match(/^\d{10}$/);
    await pool.release(connection);
    const next = await pool.acquire();
    await next.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    await pool.release(next);
    expect((await fixture.admin('GET', '/purchase-orders?ref=LEAK-1'))['orders']).to.deep.equal([]);
  });
});
