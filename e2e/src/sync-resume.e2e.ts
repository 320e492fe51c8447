import { expect } from 'chai';
import pg from 'pg';
import { suiteDatabaseUrl } from './harness/suite-database.js';
import { eventually, SyncStack } from './harness/sync-stack.js';

const CUSTOMERS = 4_000;
const FLOW = 'sap-customers-to-zoho-accounts';
/** sim-sap-ecc numbers customers from 0000100000 up. */
const FIRST_KUNNR = 100_000;

describe('an initial load cut short (relay killed -9) goes on where it was', () => {
  let stack: SyncStack;
  let db: pg.Client;

  before(async () => {
    // Slow Zoho calls, so the load is still running when the relay dies.
    stack = await SyncStack.start({ customers: CUSTOMERS, vendors: 10, zohoLatencyMs: 1_000 });
    db = new pg.Client({ connectionString: suiteDatabaseUrl() });
    await db.connect();
  });
  after(async () => {
    await db?.end();
    await stack?.stop();
  });

  const loadState = async (): Promise<{ through?: string } | undefined> => {
    const rows = await db.query(`SELECT state FROM sync_flow WHERE tenant_id = $1 AND flow_key = $2`, [stack.tenantId, FLOW]);
    return (rows.rows[0]?.state as { load?: { through?: string } } | undefined)?.load;
  };

  it('reads SAP again only after the last customer done, and leaves one Account per customer', async function () {
    this.timeout(180_000);
    const enabled = await stack.api('PATCH', `/flows/${FLOW}`, { enabled: true, schedule_ms: 3_600_000, config: { contacts: { enabled: false } } });
    expect(enabled.status).to.equal(200);
    const through = await eventually('the load saving how far it is', async () => (await loadState())?.through, 60_000);
    await stack.restartRelay('SIGKILL');
    const restartedAt = new Date();
    const doneBefore = Number(through) - FIRST_KUNNR + 1;
    expect(doneBefore).to.be.within(1, CUSTOMERS - 1);

    // The new relay claims the flow once the dead one's lease lapses, and goes on from `through`.
    const resumed = await stack.waitForRun(FLOW, restartedAt, 120_000);
    expect(resumed, JSON.stringify(resumed)).to.include({ status: 'succeeded', dead: 0 });
    expect(Number(resumed['recordsSeen'])).to.be.at.most(CUSTOMERS - doneBefore);
    const accounts = await stack.zohoRecords('Accounts');
    expect(new Set(accounts.map((a) => a['SAP_Customer_Number'])).size).to.equal(CUSTOMERS);
    expect(accounts).to.have.length(CUSTOMERS);
    expect(await loadState()).to.equal(undefined);
  });
});
