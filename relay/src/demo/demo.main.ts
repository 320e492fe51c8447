#!/usr/bin/env node
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { loadRelayConfig } from '../config/relay-config.js';
import { createLogger } from '../common/logger.js';
import { startRelay } from '../relay-app.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { EnrollmentService } from '../agents/enrollment.service.js';
import { DomainError } from '../common/domain-error.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const AGENT_CLI = join(REPO, 'agent/dist/cli/agent.cli.js');
const DEMO_DIR = resolve(process.env['MLC_DEMO_DIR'] ?? join(REPO, '.data/demo'));
const DEMO_TENANT = 'demo';

/**
 * `pnpm start`: the relay on embedded PostgreSQL, a demo tenant, and one enrolled local agent,
 * then what to try next. State lives in .data/demo, so a second start reuses it.
 */
async function main(): Promise<void> {
  await mkdir(DEMO_DIR, { recursive: true });
  const adminToken = await demoAdminToken();
  const config = loadRelayConfig({
    RELAY_DATA_DIR: join(DEMO_DIR, 'relay'),
    RELAY_HTTP_PORT: process.env['RELAY_HTTP_PORT'] ?? '8080',
    RELAY_GRPC_PORT: process.env['RELAY_GRPC_PORT'] ?? '8081',
    RELAY_ADMIN_TOKEN: adminToken,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
  });
  const relay = await startRelay(config, createLogger(config.logLevel));
  const relayUrl = `http://127.0.0.1:${relay.httpPort}`;
  const agentHome = join(DEMO_DIR, 'agent');
  if (!existsSync(join(agentHome, 'agent.json'))) await enrollDemoAgent(relay.app, relayUrl, agentHome);
  const agent = spawn(process.execPath, [AGENT_CLI, 'run', '--home', agentHome, '--log-level', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const agentId = (JSON.parse(await readFile(join(agentHome, 'agent.json'), 'utf8')) as { agentId: string }).agentId;
  await waitForAgent(relayUrl, adminToken, agentId);
  printNextSteps(relayUrl, adminToken, agentId);
  const stop = (): void => {
    agent.kill('SIGTERM');
    setTimeout(() => process.exit(1), 15_000).unref();
    void onExit(agent).then(() => relay.close()).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function demoAdminToken(): Promise<string> {
  const file = join(DEMO_DIR, 'admin-token');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const token = `mlc_admin_${randomBytes(24).toString('base64url')}`;
  await writeFile(file, token, { mode: 0o600 });
  return token;
}

async function enrollDemoAgent(app: INestApplication, relayUrl: string, home: string): Promise<void> {
  const tenants = app.get(TenantsService);
  const tenant = await tenants.create(DEMO_TENANT).catch(async (err: unknown) => {
    if (err instanceof DomainError && err.code === 'CONFLICT') return tenants.resolve(DEMO_TENANT);
    throw err;
  });
  const { token } = await app.get(EnrollmentService).issueToken(tenant.id, { ttlMs: 10 * 60_000, groupName: 'demo-site' });
  const code = await onExit(spawn(process.execPath, [AGENT_CLI, 'enroll', '--relay', relayUrl, '--token', token, '--home', home, '--name', 'demo-agent'], { stdio: 'inherit' }));
  if (code !== 0) throw new Error(`demo agent enrollment failed with exit code ${code}`);
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

function onExit(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((r) => child.once('exit', (code) => r(code)));
}

function printNextSteps(relayUrl: string, adminToken: string, agentId: string): void {
  const auth = `-H 'authorization: Bearer ${adminToken}' -H 'content-type: application/json'`;
  process.stdout.write(`
ml-connector demo is running
  relay (HTTP API, WebSocket tunnel)  ${relayUrl}
  relay health                        ${relayUrl}/health/ready
  demo agent                          ${agentId} (connected)
  admin token                         ${adminToken}   (also in ${join(DEMO_DIR, 'admin-token')})

Try:
  curl -s ${auth} ${relayUrl}/v1/agents
  curl -s ${auth} -d '{"command":"ping"}' ${relayUrl}/v1/agents/${agentId}/commands
  curl -s ${auth} -d '{"command":"echo_stream","chunks":1000,"chunk_size":65536}' ${relayUrl}/v1/agents/${agentId}/commands

Ctrl-C stops everything; state is kept in ${DEMO_DIR}.
`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
