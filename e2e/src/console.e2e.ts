import { expect } from 'chai';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { addSapProfile } from './harness/sap-profile.js';
import { ARTIFACTS, ensureChromium, launchChromium } from './harness/browser.js';
import { RELAY_CLI, enrollAgent, runCli, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './harness/processes.js';
import { createEnrollmentToken, createTenant, suiteDatabaseUrl } from './harness/suite-database.js';

const PASSWORD = 'correct horse battery staple';

describe('admin console (Chromium)', () => {
  let relay: RelayProcess;
  let browser: Browser;
  let tenant: { id: string; name: string };
  let agent: AgentProcess | undefined;
  let sim: SimProcess;
  const stamp = Date.now().toString(36);
  const operator = `operator-${stamp}@example.com`;
  const viewer = `viewer-${stamp}@example.com`;

  async function createUser(email: string, role: string, tenantName: string): Promise<void> {
    const result = await runCli(RELAY_CLI, ['user', 'create', email, '--tenant', tenantName, '--role', role], { DATABASE_URL: suiteDatabaseUrl(), MLC_PASSWORD: PASSWORD, LOG_LEVEL: 'warn' });
    expect(result.code, result.stderr).to.equal(0);
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${relay.httpUrl}/console`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#agents-page:not([hidden])');
  }

  const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(ARTIFACTS, `console-${name}.png`), fullPage: true });

  before(async function () {
    if (!ensureChromium()) this.skip();
    relay = await startRelay();
    sim = await spawnSimSapEcc(['--customers', '50']);
    tenant = await createTenant('console');
    await createUser(operator, 'operator', tenant.name);
    await createUser(viewer, 'viewer', tenant.name);
    browser = await launchChromium();
  });

  after(async () => {
    await agent?.stop();
    await sim?.stop();
    await browser?.close();
    await relay?.stop();
  });

  it('signs in, shows the agent online, and follows it going offline without a reload', async () => {
    const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id), { name: 'plant-7-sap' });
    await addSapProfile(home, sim, { name: 'PRD-100' });
    agent = await startConnectedAgent(home);
    const page = await browser.newPage();
    const wrong = await page.goto(`${relay.httpUrl}/console`);
    expect(wrong?.headers()['content-security-policy']).to.contain("default-src 'self'");
    await page.fill('input[name=email]', operator);
    await page.fill('input[name=password]', 'not the password');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login-error:text("wrong email or password")');

    await signIn(page, operator);
    const row = page.locator('#agents tr', { hasText: 'plant-7-sap' });
    await row.locator('.state:text("online")').waitFor();
    expect(await row.locator('td').nth(4).textContent()).to.equal('grpc');
    await row.locator('.profile.reachable:text("PRD-100: reachable")').waitFor();
    await shot(page, 'agents-online');

    await agent.stop();
    await row.locator('.state:text("offline")').waitFor({ timeout: 15_000 });
    await shot(page, 'agents-offline');
    await page.close();
  });

  it('lets an operator create an enrollment token and revoke an agent, and audits both', async () => {
    const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id), { name: 'to-revoke' });
    agent = await startConnectedAgent(home);
    const page = await browser.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, operator);

    await page.fill('#token-form input[name=group]', 'plant-9');
    await page.click('#token-form button[type=submit]');
    await page.waitForSelector('#token-output:text("mlc-agent enroll")');
    expect(await page.textContent('#token-output')).to.match(/--token mlc_et_\S+/);

    const row = page.locator(`#agents tr[data-agent="${agentId}"]`);
    await row.locator('.state:text("online")').waitFor();
    await row.locator('button:text("Revoke")').click();
    await row.locator('.state:text("revoked")').waitFor({ timeout: 15_000 });
    expect((await agent.exited).code).to.equal(78);

    await page.click('button[data-page=audit]');
    await page.waitForSelector('#audit td:text("agent.revoke")');
    expect(await page.locator('#audit td:text("enrollment_token.create")').count()).to.be.at.least(1);
    await shot(page, 'audit');
    await page.close();
  });

  it('gives a viewer no revoke button, and refuses state changes without the CSRF token', async () => {
    const page = await browser.newPage();
    await signIn(page, viewer);
    await page.locator('#agents tr').first().waitFor();
    expect(await page.locator('#agents button:text("Revoke")').count()).to.equal(0);
    expect(await page.isHidden('#token-form')).to.equal(true);

    const status = await page.evaluate(async (name) => {
      const response = await fetch(`/console/api/tenants/${name}/enrollment-tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return response.status;
    }, tenant.name);
    expect(status).to.equal(403);
    await page.close();
  });

  it('keeps tenants apart: a member of one tenant cannot see another', async () => {
    const other = await createTenant('console-other');
    const page = await browser.newPage();
    await signIn(page, operator);
    const status = await page.evaluate(async (name) => (await fetch(`/console/api/tenants/${name}/agents`)).status, other.name);
    expect(status).to.equal(404);
    await page.close();
  });
});
