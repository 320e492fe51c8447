import 'reflect-metadata';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { EnrollmentService, RelayCoreModule, TenantsService, createLogger, loadRelayConfig, openRelayContext, startEmbedded, type DatabaseHandle } from '@mlc/relay';
import { freePort } from './ports.js';

let database: DatabaseHandle | undefined;
let dataDir: string | undefined;
let core: INestApplicationContext | undefined;

/** One embedded PostgreSQL for the whole e2e run; each test makes its own tenant in it. */
export async function startSuiteDatabase(): Promise<string> {
  if (process.env['DATABASE_URL']) return process.env['DATABASE_URL'];
  dataDir = await mkdtemp(join(tmpdir(), 'mlc-e2e-pg-'));
  await chmod(dataDir, 0o755);
  database = await startEmbedded(dataDir, await freePort(), createLogger('warn'));
  return database.url;
}

export async function stopSuiteDatabase(): Promise<void> {
  await core?.close();
  await database?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

export function suiteDatabaseUrl(): string {
  const url = process.env['MLC_E2E_DATABASE_URL'];
  if (!url) throw new Error('the e2e database is not started (mocha root hooks)');
  return url;
}

/** The relay's own services, in-process, for test setup (tenants, tokens) against the suite database. */
async function relayCore(): Promise<INestApplicationContext> {
  if (core) return core;
  const config = loadRelayConfig({ DATABASE_URL: suiteDatabaseUrl(), LOG_LEVEL: 'warn' });
  const { context } = await openRelayContext(config, createLogger('warn'));
  core = await NestFactory.createApplicationContext(RelayCoreModule.forContext(context), { logger: ['error'] });
  return core;
}

let tenantCounter = 0;

export async function createTenant(prefix = 't'): Promise<{ id: string; name: string }> {
  tenantCounter += 1;
  const name = `${prefix}-${process.pid}-${Date.now().toString(36)}-${tenantCounter}`.toLowerCase();
  const tenant = await (await relayCore()).get(TenantsService).create(name);
  return { id: tenant.id, name: tenant.name };
}

export async function createEnrollmentToken(tenantId: string, options: { group?: string; ttlMs?: number } = {}): Promise<string> {
  const issued = await (await relayCore()).get(EnrollmentService).issueToken(tenantId, { groupName: options.group ?? 'default', ttlMs: options.ttlMs ?? 600_000 });
  return issued.token;
}
