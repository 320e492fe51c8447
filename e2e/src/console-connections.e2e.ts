import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSimZoho, type SimZohoServer } from '@mlc/sim-zoho';
import { ARTIFACTS, ensureChromium, launchChromium } from './harness/browser.js';
import { freePort } from './harness/ports.js';
import { ADMIN_TOKEN, RELAY_CLI, runCli, startRelay, type RelayProcess } from './harness/processes.js';
import { createTenant, suiteDatabaseUrl } from './harness/suite-database.js';

const PASSWORD = 'correct horse battery staple';
const CLIENT = { clientId: '1000.E2ECONSOLE', clientSecret: 'e2e-console-secret' };

describe('admin console: Connections and API tokens (Chromium, sim-zoho)', () => {
  let relay: RelayProcess;
  let sim: SimZohoServer;
  let browser: Browser;
  let tenant: { id: string; name: string };
  const stamp = Date.now().toString(36);
  const owner = `owner-${stamp}@example.com`;
  const viewer = `viewer-${stamp}@example.com`;

  async function createUser(email: string, role: string): Promise<void> {
    const result = await runCli(RELAY_CLI, ['user', 'create', email, '--tenant', tenant.name, '--role', role], { DATABASE_URL: suiteDatabaseUrl(), MLC_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' });
    expect(result.code, result.stderr).to.equal(0);
  }

  async function signIn(email: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${relay.httpUrl}/console`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#agents-page:not([hidden])');
    return page;
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });
  const fact = (page: Page, name: string): Promise<string | null> => page.textContent(`#zoho-facts dd[data-fact="${name}"]`);

  /** Connect (or Reconnect) in the console, then Accept on the simulated Zoho consent page. */
  async function consentThroughZoho(page: Page, button: string): Promise<void> {
    await page.click(`#zoho-connect:text("${button}")`);
    await page.waitForSelector('button[value=accept]');
    expect(page.url()).to.contain(`${sim.dc('us').accountsServer}/oauth/v2/auth`);
    await shot(page, 'zoho-consent');
    await page.click('button[value=accept]');
    await page.waitForSelector('#connections-page:not([hidden])');
  }

  before(async function () {
    if (!ensureChromium()) this.skip();
    // The org lives in the EU; consent starts at the US accounts server, as with real Zoho.
    sim = await startSimZoho({ settings: { orgDc: 'eu', edition: 'enterprise' } });
    const port = await freePort();
    const callback = `http://127.0.0.1:${port}/v1/zoho/oauth/callback`;
    sim.registerClient({ ...CLIENT, redirectUris: [callback] });
    const dcs = ['us', 'eu', 'in', 'au', 'jp', 'ca'] as const;
    relay = await startRelay({
      httpPort: port,
      env: {
        ZOHO_CLIENT_ID: CLIENT.clientId,
        ZOHO_CLIENT_SECRET: CLIENT.clientSecret,
        ZOHO_REDIRECT_URI: callback,
        ZOHO_ACCOUNTS_URL: sim.dc('us').accountsServer,
        ZOHO_ACCOUNTS_SERVERS: dcs.map((dc) => sim.dc(dc).accountsServer).join(','),
        ZOHO_WEBHOOK_BASE_URL: `http://127.0.0.1:${port}`,
        // Housekeeping every second, so the watch channel shows up while the page is open.
        ZOHO_SCHEDULER_INTERVAL_MS: '1000',
        RELAY_MASTER_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
      },
    });
    tenant = await createTenant('connections');
    await createUser(owner, 'owner');
    await createUser(viewer, 'viewer');
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await relay?.stop();
    await sim?.close();
  });

  it('connects Zoho through the simulator\'s consent page and shows region, edition, credits and the watch channel live', async () => {
    const page = await signIn(owner);
    await page.click('button[data-page=connections]');
    await page.waitForSelector('#zoho-status:text("not connected")');
    await shot(page, 'connections-empty');

    await consentThroughZoho(page, 'Connect Zoho');
    await page.waitForSelector('#zoho-notice:text("Zoho is connected.")');
    await page.waitForSelector('#zoho-status:text("connected")');
    expect(page.url()).to.equal(`${relay.httpUrl}/console#connections`);
    expect(await fact(page, 'region')).to.equal('eu');
    expect(await fact(page, 'edition')).to.equal('enterprise');
    expect(await fact(page, 'api domain')).to.equal(sim.dc('eu').apiDomain);
    // The scheduler opens the Accounts channel after the page loaded: it arrives over SSE.
    await page.locator('#zoho-channels tr', { hasText: 'Accounts' }).waitFor({ timeout: 15_000 });
    await page.locator('#zoho-facts dd[data-fact="credits used"]', { hasText: /^\d+ of \d+ per 24 h/ }).waitFor();
    const expires = await page.locator('#zoho-channels tr', { hasText: 'Accounts' }).locator('td').nth(2).textContent();
    expect(Number.isNaN(Date.parse(String(expires)))).to.equal(false);
    await shot(page, 'connections-connected');
    await page.close();

    const metrics = await fetch(`${relay.httpUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const text = await metrics.text();
    expect(Number(new RegExp(`^mlc_zoho_credits_used\\{tenant="${tenant.id}"\\} (\\d+)$`, 'm').exec(text)?.[1])).to.be.above(0);
    expect(text).to.match(new RegExp(`^mlc_zoho_credits_per_day\\{tenant="${tenant.id}"\\} 60000$`, 'm'));
  });

  it('follows a disconnect without a reload, then reconnects through OAuth', async () => {
    const page = await signIn(owner);
    await page.click('button[data-page=connections]');
    await page.waitForSelector('#zoho-status:text("connected")');
    expect((await relay.admin('DELETE', `/v1/tenants/${tenant.id}/zoho`)).status).to.equal(200);
    await page.waitForSelector('#zoho-status:text("disconnected")', { timeout: 15_000 });
    await consentThroughZoho(page, 'Connect Zoho');
    await page.waitForSelector('#zoho-status:text("connected")');
    expect(await page.textContent('#zoho-connect')).to.equal('Reconnect Zoho');

    await page.click('button[data-page=audit]');
    await page.waitForSelector('#audit td:text("zoho.connect")');
    await page.close();
  });

  it('brings a refused consent back to the page with the reason', async () => {
    const page = await signIn(owner);
    await page.click('button[data-page=connections]');
    await page.click('#zoho-connect');
    await page.click('button[value=deny]');
    await page.waitForSelector('#zoho-notice.error:text("Zoho did not grant access: access_denied")');
    await page.close();
  });

  it('lets an owner create an API token shown once, use it on the REST API, and revoke it', async () => {
    const page = await signIn(owner);
    await page.click('button[data-page=tokens]');
    await page.fill('#api-token-form input[name=name]', 'monitoring');
    await page.selectOption('#api-token-form select[name=role]', 'viewer');
    await page.click('#api-token-form button[type=submit]');
    await page.waitForSelector('#api-token-output:text("mlc_at_")');
    const token = String(await page.textContent('#api-token-output'));
    const row = page.locator('#api-tokens tr', { hasText: 'monitoring' });
    await row.locator('.state:text("active")').waitFor();
    await shot(page, 'api-tokens');

    const get = (): Promise<Response> => fetch(`${relay.httpUrl}/console/api/tenants/${tenant.name}/zoho`, { headers: { authorization: `Bearer ${token}` } });
    const allowed = await get();
    expect(allowed.status).to.equal(200);
    expect(((await allowed.json()) as { connection: { status: string } }).connection.status).to.equal('connected');

    await row.locator('button:text("Revoke")').click();
    await row.locator('.state:text("revoked")').waitFor();
    expect((await get()).status).to.equal(401);
    await page.close();
  });

  it('shows a viewer the connection but no connect button and no API tokens', async () => {
    const page = await signIn(viewer);
    expect(await page.isHidden('button[data-page=tokens]')).to.equal(true);
    await page.click('button[data-page=connections]');
    await page.waitForSelector('#zoho-status:text("connected")');
    expect(await page.isHidden('#zoho-connect')).to.equal(true);
    await page.close();
  });
});
