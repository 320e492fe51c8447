import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { ARTIFACTS, ensureChromium, launchChromium } from './harness/browser.js';
import { RELAY_CLI, runCli } from './harness/processes.js';
import { suiteDatabaseUrl } from './harness/suite-database.js';
import { eventually, SyncStack } from './harness/sync-stack.js';

const PASSWORD = 'correct horse battery staple';
const PO_FLOW = 'zoho-purchase-orders-to-sap';
const VENDORS_FLOW = 'sap-vendors-zoho-vendors';

describe('admin console: Flows, Runs and Records (Chromium, sim-sap-ecc, sim-zoho, relay and agent)', () => {
  let stack: SyncStack;
  let browser: Browser;
  const stamp = Date.now().toString(36);
  const owner = `owner-${stamp}@example.com`;
  const viewer = `viewer-${stamp}@example.com`;

  async function createUser(email: string, role: string): Promise<void> {
    const result = await runCli(RELAY_CLI, ['user', 'create', email, '--tenant', stack.tenantId, '--role', role], { DATABASE_URL: suiteDatabaseUrl(), MLC_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' });
    expect(result.code, result.stderr).to.equal(0);
  }

  async function signIn(email: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${stack.relay.httpUrl}/console`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#agents-page:not([hidden])');
    return page;
  }

  async function openTab(page: Page, name: string): Promise<void> {
    await page.click(`button[data-page=${name}]`);
    await page.waitForSelector(`#${name}-page:not([hidden])`);
  }

  const flowRow = (page: Page, key: string): Locator => page.locator(`#flows tr[data-flow="${key}"]`);
  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });

  /** Clicks Enable and waits for the run enabling starts to show up under Last run, finished, without a reload. */
  async function enable(page: Page, key: string): Promise<void> {
    const row = flowRow(page, key);
    await row.locator('button:text("Enable")').click();
    await row.locator('.flow-state:text("enabled")').waitFor();
    await row.locator('.last-run[data-status="succeeded"]').waitFor({ timeout: 60_000 });
  }

  before(async function () {
    if (!ensureChromium()) this.skip();
    stack = await SyncStack.start({ customers: 20, vendors: 10 });
    await createUser(owner, 'owner');
    await createUser(viewer, 'viewer');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in and lists the flows, all disabled and never run', async () => {
    const page = await signIn(owner);
    await openTab(page, 'flows');
    await flowRow(page, PO_FLOW).waitFor();
    expect(await page.locator('#flows tr').count()).to.equal(8);
    expect(await flowRow(page, PO_FLOW).locator('.flow-state').textContent()).to.equal('disabled');
    expect(await flowRow(page, PO_FLOW).locator('.last-run').textContent()).to.equal('never');
    await page.close();
  });

  it('lists every bad field of a mapping beside the editor, saves a good one, and shows the run enabling starts', async () => {
    const page = await signIn(owner);
    await openTab(page, 'flows');
    await flowRow(page, PO_FLOW).locator('button:text("Configure")').click();
    await page.waitForSelector('#flow-editor:not([hidden])');

    await page.fill('#flow-config', '{ "materials": ');
    await page.waitForSelector('#flow-config-errors li:text("JSON:")');
    await page.fill('#flow-config', JSON.stringify({ writeBackField: '1 bad', plant: 'x', materials: { Pump: 'SIM-PUMP-01' } }));
    await page.click('#flow-save');
    await page.waitForSelector('#flow-config-errors li:has(code:text("config.writeBackField"))');
    const problems = await page.locator('#flow-config-errors li').allTextContents();
    expect(problems).to.have.length(2);
    expect(problems.join('\n')).to.contain('config.writeBackField: a Zoho field API name').and.to.contain('config.plant:');
    await shot(page, 'flow-config-invalid');

    await page.fill('#flow-config', JSON.stringify({ materials: { Pump: 'SIM-PUMP-01' } }));
    await page.fill('#flow-every', '10m');
    await page.click('#flow-save');
    await page.waitForSelector('#flow-saved:text("Saved")');
    expect(await page.locator('#flow-config-errors li').count()).to.equal(0);
    // The stored config comes back with the defaults the relay filled in.
    expect(JSON.parse(await page.inputValue('#flow-config'))).to.include({ writeBackField: 'PO_Number', plant: '1000' });
    await flowRow(page, PO_FLOW).locator('td:text("every 10m")').waitFor();

    await enable(page, PO_FLOW);
    await shot(page, 'flows');

    await openTab(page, 'runs');
    await page.locator(`#runs tr[data-flow="${PO_FLOW}"] .run-status:text("succeeded")`).waitFor();
    await page.locator(`#run-summary tr[data-flow="${PO_FLOW}"]`).waitFor();
    await shot(page, 'runs');
    await page.close();
  });

  it('finds a failed record by its Zoho id, shows its journal, and replays it once its vendor is in SAP', async () => {
    const product = await stack.zohoCreate('Products', { Product_Name: 'Pump', Product_Code: 'SIM-PUMP-01' });
    // A vendor SAP does not know yet (the vendor flow is off): its PO is a dead letter naming the reason.
    const stranger = await stack.zohoCreate('Vendors', { Vendor_Name: 'Not Yet In SAP AG', Country: 'Germany', City: 'Kassel' });
    const orphan = await stack.zohoCreate('Purchase_Orders', { Subject: 'Valves', Vendor_Name: { id: stranger }, Purchase_Items: [{ Product_Name: { id: product }, Quantity: 1, List_Price: 10 }] });

    const page = await signIn(owner);
    await openTab(page, 'flows');
    // The failed record shows in the flow's counts as soon as the run that met it finishes.
    await flowRow(page, PO_FLOW).locator('button:text("1 failed")').waitFor({ timeout: 60_000 });

    await openTab(page, 'records');
    await page.fill('#record-search input[name=q]', orphan);
    await page.selectOption('#record-search select[name=status]', 'dead');
    await page.click('#record-search button[type=submit]');
    const row = page.locator('#records tr', { hasText: orphan });
    await row.locator('.record-status:text("failed")').waitFor();
    expect(await page.locator('#records tr').count()).to.equal(1);
    await row.locator('button:text("Open")').click();
    await page.waitForSelector('#record-detail:not([hidden])');
    const failed = page.locator('#record-journal li[data-outcome="dead"]');
    expect(await failed.locator('.error').textContent()).to.contain('is not linked to an SAP vendor');
    await failed.locator('details[data-part="source"] summary').click();
    expect(await failed.locator('details[data-part="source"] pre').textContent()).to.contain('Valves');
    await shot(page, 'record-failed');

    // The vendor flow puts the vendor into SAP; the replayed PO then posts, and the page follows live.
    await openTab(page, 'flows');
    await enable(page, VENDORS_FLOW);
    await openTab(page, 'records');
    await page.click('#record-search button[type=submit]');
    await page.locator('#records tr', { hasText: orphan }).locator('button:text("Open")').click();
    await page.click('#record-replay');
    await page.waitForSelector('#records-notice:text("1 record queued for replay")');
    await page.waitForSelector('#record-status:text("synced")', { timeout: 60_000 });
    const outcomes = await Promise.all((await page.locator('#record-journal li').all()).map((li) => li.getAttribute('data-outcome')));
    expect(outcomes).to.deep.equal(['dead', 'succeeded']);
    expect(await page.isHidden('#record-replay')).to.equal(true);
    await shot(page, 'record-replayed');
    const po = await eventually('the PO number written back to Zoho', async () => (await stack.zohoRecords('Purchase_Orders')).find((r) => r['id'] === orphan && typeof r['PO_Number'] === 'string'));
    expect(po['PO_Number']).to.match(/^\d+$/);

    await openTab(page, 'audit');
    await page.waitForSelector('#audit td:text("record.replay")');
    const actions = await page.locator('#audit tr td:nth-child(3)').allTextContents();
    expect(actions).to.include.members(['flow.enable', 'flow.config', 'flow.schedule', 'record.replay']);
    await page.close();
  });

  it('lets a viewer read flows and records but offers no button that changes them', async () => {
    const page = await signIn(viewer);
    await openTab(page, 'flows');
    await flowRow(page, PO_FLOW).locator('.flow-state:text("enabled")').waitFor();
    expect(await page.locator('#flows button:text("Enable"), #flows button:text("Disable"), #flows button:text("Run now")').count()).to.equal(0);
    await openTab(page, 'records');
    expect(await page.isHidden('#replay-all')).to.equal(true);
    const status = await page.evaluate(async (tenant) => {
      const me = (await (await fetch('/console/api/me')).json()) as { csrf_token: string };
      const response = await fetch(`/console/api/tenants/${tenant}/records/replay`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf_token }, body: '{}' });
      return response.status;
    }, stack.tenantId);
    expect(status).to.equal(403);
    await page.close();
  });
});
