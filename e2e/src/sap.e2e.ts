import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { message } from './harness/log-lines.js';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { addSapProfile } from './harness/sap-profile.js';
import { createEnrollmentToken, createTenant } from './harness/suite-database.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function poParams(vendor: string, ref: string): Record<string, unknown> {
  const header = { COMP_CODE: '1000', DOC_TYPE: 'NB', VENDOR: vendor, PURCH_ORG: '1000', PUR_GROUP: '001', REF_1: ref };
  return {
    POHEADER: header,
    POHEADERX: Object.fromEntries(Object.keys(header).map((k) => [k, 'X'])),
    POITEM: [{ PO_ITEM: '00010', MATERIAL: '000000000000400001', PLANT: '1000', QUANTITY: '5', NET_PRICE: '12.50' }],
    POITEMX: [{ PO_ITEM: '00010', PO_ITEMX: 'X', MATERIAL: 'X', PLANT: 'X', QUANTITY: 'X', NET_PRICE: 'X' }],
    POSCHEDULE: [{ PO_ITEM: '00010', SCHED_LINE: '0001', DELIVERY_DATE: '15.12.2026', QUANTITY: '5' }],
    POSCHEDULEX: [{ PO_ITEM: '00010', SCHED_LINE: '0001', PO_ITEMX: 'X', SCHED_LINEX: 'X', DELIVERY_DATE: 'X', QUANTITY: 'X' }],
  };
}

describe('SAP commands: relay -> agent -> simulated ECC', () => {
  let relay: RelayProcess;
  let sim: SimProcess;
  let agent: AgentProcess;
  let agentId: string;
  let home: string;
  let profile: string;
  let simArgs: string[];
  let simDataDir: string;

  const simAdmin = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${sim.adminUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await res.json()) as Record<string, unknown>;
  };
  const postedOrders = async (ref: string): Promise<unknown[]> => (await simAdmin('GET', `/purchase-orders?ref=${ref}`))['orders'] as unknown[];
  const committedRows = async (table: string): Promise<Array<Record<string, string>>> => (await simAdmin('GET', `/tables/${table}?max=100000`))['rows'] as Array<Record<string, string>>;
  /** Waits until an uncommitted PO holds the vendor's lock: the first BAPI of a transaction has run. */
  const vendorLocked = async (vendor: string): Promise<void> => {
    for (let i = 0; i < 200; i += 1) {
      if (JSON.stringify((await simAdmin('GET', '/sessions'))['locks']).includes(vendor)) return;
      await sleep(10);
    }
    throw new Error(`vendor ${vendor} never got locked`);
  };
  const sap = (path: string, body: Record<string, unknown>): ReturnType<RelayProcess['admin']> => relay.admin('POST', `/v1/agents/${agentId}/sap/${path}`, { profile, ...body });

  before(async () => {
    simDataDir = await mkdtemp(join(tmpdir(), 'mlc-e2e-sim-sap-'));
    simArgs = ['--customers', '3000', '--max-sessions', '20', '--data-dir', simDataDir];
    sim = await spawnSimSapEcc(simArgs);
    relay = await startRelay();
    const tenant = await createTenant('sap');
    ({ home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id)));
    profile = await addSapProfile(home, sim, { maxConnections: 5 });
    agent = await startConnectedAgent(home);
  });

  after(async () => {
    await agent?.stop();
    await relay?.stop();
    await sim?.stop();
    await rm(simDataDir, { recursive: true, force: true });
  });

  it('keeps the SAP password encrypted at rest and out of the logs', async () => {
    const config = await readFile(join(home, 'agent.json'), 'utf8');
    expect(config).to.match(/"password": "mlc-enc:v1:/);
    expect(config).not.to.contain('Welcome1');
    expect(agent.logs.raw.join('\n')).not.to.contain('Welcome1');
    expect(agent.logs.find(message('SAP profile ready'))).to.include({ profile, maxConnections: 5 });
  });

  it('rfc_call runs a function module and returns its exports', async () => {
    const res = await sap('call', { function_module: 'BAPI_CUSTOMER_GETDETAIL2', params: { CUSTOMERNO: '0000100001', COMPANYCODE: '1000' } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const result = res.body['result'] as Record<string, Record<string, unknown>>;
    expect(String(result['CUSTOMERADDRESS']['NAME'])).not.to.equal('');
    expect(result['CUSTOMERCOMPANYDETAIL']).to.be.an('object');
  });

  it('rfc_call of an ABAP exception is a BUSINESS_ERROR with the RFC key, not retried', async () => {
    const res = await sap('call', { function_module: 'BAPI_PO_DOES_NOT_EXIST', params: {}, retries: 3 });
    expect(res.status).to.equal(422);
    expect(res.body).to.include({ error: 'business_error', retryable: false });
    expect(res.body['detail']).to.include({ rfc_key: 'FU_NOT_FOUND' });
  });

  it('the agent\'s policy denies USR02 and unlisted function modules, names the rule and logs it', async () => {
    const table = await sap('read-table', { table: 'USR02', key_fields: ['BNAME'] });
    expect(table.status).to.equal(403);
    expect(table.body).to.include({ error: 'policy_denied' });
    expect(table.body['detail']).to.include({ rule: 'policy.tables', table: 'USR02' });
    const fm = await sap('call', { function_module: 'RFC_READ_TABLE', params: { QUERY_TABLE: 'USR02' } });
    expect(fm.status).to.equal(403);
    expect(fm.body['detail']).to.include({ rule: 'table-readers-only-via-rfc_read_table' });
    const other = await sap('call', { function_module: 'BAPI_ACC_DOCUMENT_POST', params: {} });
    expect(other.body['detail']).to.include({ rule: 'policy.functionModules', function_module: 'BAPI_ACC_DOCUMENT_POST' });
    await agent.logs.waitFor((line) => typeof line.msg === 'string' && line.msg.startsWith('policy denied') && line['table'] === 'USR02', 5_000, 'policy denial logged');
  });

  it('rfc_read_table streams every row of KNA1 and caps reads by policy', async () => {
    const res = await sap('read-table', { table: 'KNA1', key_fields: ['KUNNR'], fields: ['KUNNR', 'NAME1', 'ERDAT'], alpha_fields: ['KUNNR'], page_size: 1000, return_rows: 2 });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body['rows']).to.equal(3000);
    const first = (res.body['sample'] as Array<Record<string, unknown>>)[0];
    expect(first['KUNNR']).to.equal('100000');
    expect(String(first['ERDAT'])).to.match(/^\d{4}-\d{2}-\d{2}$/);
    const capped = await sap('read-table', { table: 'LFA1', key_fields: ['LIFNR'], fields: ['LIFNR'] });
    expect(capped.status).to.equal(403);
    expect(capped.body['detail']).to.include({ rule: 'policy.tables.LFA1.maxRows' });
    const tooMany = await sap('read-table', { table: 'LFA1', key_fields: ['LIFNR'], max_rows: 101 });
    expect(tooMany.status).to.equal(403);
  });

  it('rfc_transaction commits a PO with WAIT, and rolls the whole LUW back on a RETURN error', async () => {
    const ok = await sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300000', 'E2E-OK') }] });
    expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
    const calls = ok.body['calls'] as Array<{ exports: Record<string, unknown> }>;
    expect(String(calls[0].exports['EXPPURCHASEORDER'])).to.match(/^\d{10}$/);
    expect(await postedOrders('E2E-OK')).to.have.length(1);

    const bad = await sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300000', 'E2E-RB') }, { function_module: 'BAPI_PO_CREATE1', params: poParams('0000999999', 'E2E-RB2') }] });
    expect(bad.status).to.equal(422);
    expect(bad.body['detail']).to.include({ failed_call: '1', rolled_back: 'true' });
    expect((JSON.parse((bad.body['detail'] as Record<string, string>)['return']) as Array<{ TYPE: string }>).some((r) => r.TYPE === 'E')).to.equal(true);
    expect(await postedOrders('E2E-RB')).to.have.length(0);
  });

  it('holds the per-system cap of 5 connections under 200 parallel calls', async () => {
    await simAdmin('PUT', '/faults', { latencyMs: 20 });
    let peakSessions = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peakSessions = Math.max(peakSessions, Number((await simAdmin('GET', '/health'))['sessions']));
        await sleep(5);
      }
    })();
    try {
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => sap('call', { function_module: 'STFC_CONNECTION', params: { REQUTEXT: `call ${i}` } })));
      expect(results.map((r) => r.status)).to.deep.equal(Array(200).fill(200));
      expect((results[7].body['result'] as Record<string, string>)['ECHOTEXT']).to.equal('call 7');
    } finally {
      sampling = false;
      await sampler;
      await simAdmin('PUT', '/faults', { latencyMs: 0 });
    }
    expect(peakSessions).to.be.greaterThan(1);
    expect(peakSessions).to.be.at.most(5);
  });

  it('leaves no half-posted PO when SAP goes away mid-transaction (the call fails retryable)', async () => {
    await simAdmin('PUT', '/faults', { latencyMs: 700 });
    try {
      const pending = sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300001', 'E2E-GW-1') }, { function_module: 'BAPI_PO_CREATE1', params: poParams('0000300002', 'E2E-GW-2') }] });
      await vendorLocked('0000300001'); // the first PO exists uncommitted; the second call is running
      await simAdmin('PUT', '/faults', { gatewayDown: true });
      const res = await pending;
      expect(res.status).to.equal(502);
      expect(res.body).to.include({ error: 'unavailable', retryable: true });
      expect(res.body['detail']).to.include({ phase: 'call' });
    } finally {
      await simAdmin('PUT', '/faults', { gatewayDown: false, latencyMs: 0 });
    }
    expect(await postedOrders('E2E-GW-1')).to.have.length(0);
    expect(await postedOrders('E2E-GW-2')).to.have.length(0);
    // SAP is back: the relay's retry gets through (stale pooled connections are checked, at most
    // one call fails on one), and the vendor's lock went with the dropped LUW.
    const again = await sap('transaction', { retries: 2, calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300001', 'E2E-GW-3') }] });
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
  });

  it('leaves no half-posted PO when the agent is killed mid-transaction', async () => {
    await simAdmin('PUT', '/faults', { latencyMs: 700 });
    try {
      const pending = sap('transaction', { deadline_ms: 10_000, calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300003', 'E2E-KILL-1') }, { function_module: 'BAPI_PO_CREATE1', params: poParams('0000300004', 'E2E-KILL-2') }] });
      await vendorLocked('0000300003');
      agent.kill('SIGKILL');
      const res = await pending;
      expect(res.status).to.be.oneOf([502, 503, 504]);
      await sleep(1_000); // the simulator notices the dropped connection after the running call
    } finally {
      await simAdmin('PUT', '/faults', { latencyMs: 0 });
    }
    expect(await postedOrders('E2E-KILL-1')).to.have.length(0);
    expect(await postedOrders('E2E-KILL-2')).to.have.length(0);
    agent = await startConnectedAgent(home);
    const again = await sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300003', 'E2E-KILL-3') }] });
    expect(again.status, JSON.stringify(again.body)).to.equal(200);
  });

  describe('the simulated ECC killed (SIGKILL) mid-transaction, then restarted on its data', () => {
    /** Kills the simulator with no chance to clean up, and starts it again on the same RFC port. */
    const crashAndRestart = async (): Promise<void> => {
      await sim.kill('SIGKILL');
      sim = await spawnSimSapEcc([...simArgs, '--port', String(sim.rfcPort)]);
    };
    /** No EKKO without its items and no EKPO without its header: nothing half-posted, anywhere. */
    const expectWholeOrders = async (): Promise<void> => {
      const headers = new Set((await committedRows('EKKO')).map((r) => r.EBELN));
      const items = await committedRows('EKPO');
      expect(items.filter((i) => !headers.has(i.EBELN)), 'EKPO rows without their EKKO').to.deep.equal([]);
      const withItems = new Set(items.map((i) => i.EBELN));
      expect([...headers].filter((ebeln) => !withItems.has(ebeln)), 'EKKO rows without items').to.deep.equal([]);
    };

    it('mid-call: the relay gets a retryable error; committed POs survive, the open LUW is gone', async () => {
      const before = await sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300005', 'E2E-DUR-1') }] });
      expect(before.status, JSON.stringify(before.body)).to.equal(200);
      const committed = await committedRows('EKKO');
      await simAdmin('PUT', '/faults', { latencyMs: 700 });
      const pending = sap('transaction', { calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300006', 'E2E-K9-1') }, { function_module: 'BAPI_PO_CREATE1', params: poParams('0000300007', 'E2E-K9-2') }] });
      await vendorLocked('0000300006'); // the first PO exists uncommitted; the second call is running
      await crashAndRestart();
      const res = await pending;
      expect(res.status).to.equal(502);
      expect(res.body).to.include({ error: 'unavailable', retryable: true });
      expect(res.body['detail']).to.include({ phase: 'call', failed_call: '1' });

      expect(sim.recoveredCommits).to.be.greaterThan(0);
      expect(await postedOrders('E2E-K9-1')).to.have.length(0);
      expect(await postedOrders('E2E-K9-2')).to.have.length(0);
      expect((await committedRows('EKKO')).map((r) => r.EBELN)).to.deep.equal(committed.map((r) => r.EBELN));
      expect(await postedOrders('E2E-DUR-1')).to.have.length(1);
      expect(await postedOrders('E2E-OK')).to.have.length(1);
      await expectWholeOrders();
      // The crash took the LUW's locks with it: the retry gets through on the restarted system
      // (the agent's pooled connections to the dead process fail once each and are replaced).
      const again = await sap('transaction', { retries: 3, calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300006', 'E2E-K9-3') }] });
      expect(again.status, JSON.stringify(again.body)).to.equal(200);
      expect(await postedOrders('E2E-K9-3')).to.have.length(1);
    });

    it('mid-commit: the outcome is unknown (not retried), and a lookup finds the PO whole or not at all', async () => {
      await simAdmin('PUT', '/faults', { latencyMs: 1000 });
      const pending = sap('transaction', { retries: 3, calls: [{ function_module: 'BAPI_PO_CREATE1', params: poParams('0000300008', 'E2E-K9-C') }] });
      await vendorLocked('0000300008'); // the BAPI ran; BAPI_TRANSACTION_COMMIT is on its way
      await sleep(400);
      await crashAndRestart();
      const res = await pending;
      expect(res.status).to.equal(502);
      expect(res.body).to.include({ error: 'unavailable', retryable: false });
      expect(res.body['detail']).to.include({ phase: 'commit', outcome: 'unknown' });
      // What a caller must do with an unknown outcome: look the document up by its reference.
      expect(await postedOrders('E2E-K9-C')).to.have.length(0);
      await expectWholeOrders();
    });
  });
});
