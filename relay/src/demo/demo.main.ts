#!/usr/bin/env node
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimProcess } from '@mlc/sim-sap-ecc';
import { loadRelayConfig } from '../config/relay-config.js';
import { createLogger } from '../common/logger.js';
import { startRelay, type RunningRelay } from '../relay-app.js';
import { startDemoSap, writeSapProfile } from './demo-sap.js';
import { AGENT_CLI, CONSOLE_EMAIL, demoSettings, keptSecret, randomToken, type DemoSettings } from './demo-settings.js';
import { connectZoho, demoTenant, enableDemoFlows, enrollDemoAgent, ensureConsoleUser, ensureDemoProduct, linkedVendor } from './demo-tenant.js';
import { DEMO_ZOHO_CLIENT, startDemoZoho, type DemoZoho } from './demo-zoho.js';
import { printNextSteps } from './demo-next-steps.js';

interface Running {
  sap?: SimProcess;
  zoho?: DemoZoho;
  relay?: RunningRelay;
  agent?: ChildProcess;
}

/**
 * `pnpm start`: sim-sap-ecc, sim-zoho, the relay on embedded PostgreSQL, an enrolled agent with the
 * SAP profile, and a demo tenant connected to Zoho with flows 1-5 on; then what to try. State lives
 * in the demo directory (.data/demo), so a second start reuses it.
 */
async function main(settings: DemoSettings, running: Running): Promise<void> {
  await mkdir(settings.dir, { recursive: true });
  const adminToken = await keptSecret(settings.dir, 'admin-token', randomToken('mlc_admin_'));
  const masterKey = await keptSecret(settings.dir, 'master-key', () => randomBytes(32).toString('base64'));
  const consolePassword = await keptSecret(settings.dir, 'console-password', randomToken('', 12));
  const relayUrl = `http://127.0.0.1:${settings.relayHttpPort}`;
  const say = (line: string): void => void process.stdout.write(`${line}\n`);

  say(`starting sim-sap-ecc (${settings.customers} customers, ${settings.vendors} vendors) and sim-zoho...`);
  running.sap = await startDemoSap(settings);
  running.zoho = await startDemoZoho(settings.dir, settings.zohoPort, `${relayUrl}/v1/zoho/oauth/callback`);
  const accountsServer = running.zoho.sim.dc('eu').accountsServer;
  say('starting the relay on embedded PostgreSQL...');
  const config = loadRelayConfig({
    RELAY_DATA_DIR: join(settings.dir, 'relay'),
    RELAY_EMBEDDED_PG_PORT: String(settings.postgresPort),
    RELAY_HTTP_PORT: String(settings.relayHttpPort),
    RELAY_GRPC_PORT: String(settings.relayGrpcPort),
    RELAY_ADMIN_TOKEN: adminToken,
    RELAY_MASTER_KEYS: `demo:${masterKey}`,
    ZOHO_CLIENT_ID: DEMO_ZOHO_CLIENT.clientId,
    ZOHO_CLIENT_SECRET: DEMO_ZOHO_CLIENT.clientSecret,
    ZOHO_REDIRECT_URI: `${relayUrl}/v1/zoho/oauth/callback`,
    ZOHO_ACCOUNTS_URL: accountsServer,
    ZOHO_ACCOUNTS_SERVERS: accountsServer,
    ZOHO_WEBHOOK_BASE_URL: relayUrl,
    ZOHO_WATCH_MODULES: 'Vendors,Purchase_Orders,Invoices',
    ZOHO_SCHEDULER_INTERVAL_MS: '5000',
    LOG_LEVEL: settings.logLevel,
  });
  running.relay = await startRelay(config, createLogger(config.logLevel));
  const app = running.relay.app;

  const tenantId = await demoTenant(app);
  await connectZoho(app, relayUrl, adminToken, tenantId);
  await ensureConsoleUser(app, tenantId, consolePassword);
  const agentHome = join(settings.dir, 'agent');
  if (!existsSync(join(agentHome, 'agent.json'))) await enrollDemoAgent(app, relayUrl, tenantId, agentHome);
  await writeSapProfile(agentHome, running.sap);
  running.agent = spawn(process.execPath, [AGENT_CLI, 'run', '--home', agentHome, '--log-level', settings.logLevel], { stdio: ['ignore', 'inherit', 'inherit'] });
  const agentId = (JSON.parse(await readFile(join(agentHome, 'agent.json'), 'utf8')) as { agentId: string }).agentId;
  await waitForAgent(relayUrl, adminToken, agentId);
  const productId = ensureDemoProduct(running.zoho.sim);
  await enableDemoFlows(app, tenantId, say);

  printNextSteps({
    settings, relayUrl, adminToken, agentId, productId, vendor: linkedVendor(running.zoho.sim),
    zohoUrl: running.zoho.sim.baseUrl(), sapAdminUrl: running.sap.adminUrl, consoleEmail: CONSOLE_EMAIL, consolePassword,
  });
}

async function waitForAgent(relayUrl: string, adminToken: string, agentId: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const response = await fetch(`${relayUrl}/v1/agents/${agentId}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ command: 'ping' }),
    });
    if (response.ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the demo agent did not connect within 20 s');
}

function onExit(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** Agent first (it drains), then the relay, then the simulators (sim-zoho saves its org). */
async function stopAll(running: Running): Promise<void> {
  if (running.agent) {
    running.agent.kill('SIGTERM');
    await onExit(running.agent);
  }
  await running.relay?.close();
  await running.zoho?.stop();
  await running.sap?.stop();
}

/**
 * Ctrl-C in a terminal signals the whole foreground process group, embedded PostgreSQL included, which
 * would then die under the relay while it drains. So the demo runs in a process group of its own and
 * this outer process turns SIGINT/SIGTERM into one SIGTERM for it, which stops everything in order.
 */
function superviseDetached(): void {
  const child = spawn(process.execPath, process.argv.slice(1), { detached: true, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, MLC_DEMO_SUPERVISOR: String(process.pid) } });
  const forward = (): void => void child.kill('SIGTERM');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function runDemo(supervisor: string): void {
  const running: Running = {};
  let stopping = false;
  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    // Backstop: the agent drains for up to 25 s; nothing should take longer than that.
    setTimeout(() => process.exit(1), 40_000).unref();
    void stopAll(running).then(() => process.exit(code), () => process.exit(1));
  };
  process.once('SIGINT', () => stop(0));
  process.once('SIGTERM', () => stop(0));
  // A supervisor that died without forwarding a signal (kill -9, a closed terminal) leaves us orphaned: stop too.
  setInterval(() => {
    if (String(process.ppid) !== supervisor) stop(1);
  }, 1_000).unref();
  main(demoSettings(), running).catch((err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    stop(1);
  });
}

const supervisor = process.env['MLC_DEMO_SUPERVISOR'];
if (supervisor) runDemo(supervisor);
else superviseDetached();
