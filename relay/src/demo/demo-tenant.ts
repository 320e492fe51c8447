import { spawn } from 'node:child_process';
import type { INestApplication } from '@nestjs/common';
import type { SimZohoServer } from '@mlc/sim-zoho';
import { ConsoleAuthService } from '../console/console-auth.service.js';
import { DomainError } from '../common/domain-error.js';
import { EnrollmentService } from '../agents/enrollment.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { ZohoStatusService } from '../zoho/zoho-status.service.js';
import type { FlowKey } from '../sync/flow-keys.js';
import { SyncService } from '../sync/sync.service.js';
import { AGENT_CLI, CONSOLE_EMAIL, DEMO_SITE, DEMO_TENANT } from './demo-settings.js';

export const DEMO_PRODUCT = { Product_Name: 'Pump', Product_Code: 'SIM-PUMP-01' };

/** Flows 1-5 with the demo's schedules and the config each needs beyond its defaults. */
const DEMO_FLOWS: ReadonlyArray<{ key: FlowKey; scheduleMs: number; config: Record<string, unknown> }> = [
  { key: 'sap-customers-to-zoho-accounts', scheduleMs: 3_600_000, config: { site: DEMO_SITE } },
  { key: 'sap-vendors-zoho-vendors', scheduleMs: 60_000, config: { site: DEMO_SITE } },
  { key: 'zoho-purchase-orders-to-sap', scheduleMs: 300_000, config: { site: DEMO_SITE, materials: { Pump: 'SIM-PUMP-01' }, defaultMaterial: 'SIM-PUMP-01' } },
  { key: 'zoho-invoices-to-sap-gl', scheduleMs: 300_000, config: { site: DEMO_SITE, taxCodes: { VAT: { taxCode: 'A1', glAccount: '154000' } } } },
  { key: 'sap-reference-data-to-zoho', scheduleMs: 86_400_000, config: { site: DEMO_SITE, companyCodes: ['1000'] } },
];

/** The demo tenant (made on the first start, found afterwards). */
export async function demoTenant(app: INestApplication): Promise<string> {
  const tenants = app.get(TenantsService);
  const tenant = await tenants.create(DEMO_TENANT).catch((err: unknown) => {
    if (err instanceof DomainError && err.code === 'CONFLICT') return tenants.resolve(DEMO_TENANT);
    throw err;
  });
  return tenant.id;
}

/** Connects the tenant to Zoho through the consent page, as an owner would (sim-zoho approves at once). */
export async function connectZoho(app: INestApplication, relayUrl: string, adminToken: string, tenantId: string): Promise<void> {
  const status = await app.get(ZohoStatusService).status(tenantId);
  if (status?.status === 'connected') return;
  const started = await fetch(`${relayUrl}/v1/tenants/${tenantId}/zoho/connect`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
  const { authorize_url: authorizeUrl } = (await started.json()) as { authorize_url?: string };
  if (!authorizeUrl) throw new Error(`starting the Zoho connection failed: ${started.status}`);
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = await fetch(consent.headers.get('location') ?? '');
  if (callback.status !== 200) throw new Error(`connecting Zoho failed: ${callback.status} ${await callback.text()}`);
}

export async function enrollDemoAgent(app: INestApplication, relayUrl: string, tenantId: string, home: string): Promise<void> {
  const { token } = await app.get(EnrollmentService).issueToken(tenantId, { ttlMs: 10 * 60_000, groupName: DEMO_SITE });
  const child = spawn(process.execPath, [AGENT_CLI, 'enroll', '--relay', relayUrl, '--token', token, '--home', home, '--name', 'demo-agent'], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`demo agent enrollment failed with exit code ${code}`);
}

/** The operator's console login: owner of the demo tenant. */
export async function ensureConsoleUser(app: INestApplication, tenantId: string, password: string): Promise<void> {
  const auth = app.get(ConsoleAuthService);
  await auth.createUser(CONSOLE_EMAIL, password).catch((err: unknown) => {
    if (!(err instanceof DomainError && err.code === 'CONFLICT')) throw err;
  });
  await auth.grant(CONSOLE_EMAIL, tenantId, 'owner');
}

/** Enables the flows not enabled yet and waits for the first run of each (enabling starts one). */
export async function enableDemoFlows(app: INestApplication, tenantId: string, progress: (line: string) => void): Promise<void> {
  const sync = app.get(SyncService);
  const enabled = new Set((await sync.listFlows(tenantId)).filter((f) => f.enabled).map((f) => f.key));
  const toEnable = DEMO_FLOWS.filter((flow) => !enabled.has(flow.key));
  if (toEnable.length === 0) return;
  progress(`enabling ${toEnable.length === DEMO_FLOWS.length ? 'flows 1-5' : toEnable.map((f) => f.key).join(', ')} (first runs: initial loads of customers, vendors and reference data)...`);
  const since = new Date();
  for (const flow of toEnable) await sync.updateFlow(tenantId, flow.key, { enabled: true, scheduleMs: flow.scheduleMs, config: flow.config });
  const waiting = new Set(toEnable.map((flow) => flow.key));
  const deadline = Date.now() + 10 * 60_000;
  while (waiting.size > 0) {
    if (Date.now() > deadline) throw new Error(`the first runs of ${[...waiting].join(', ')} did not finish within 10 minutes`);
    for (const view of await sync.listFlows(tenantId)) {
      const run = view.lastRun;
      if (!waiting.has(view.key) || !run || run.startedAt < since || run.status === 'running') continue;
      waiting.delete(view.key);
      progress(`  ${view.key.padEnd(32)} first run ${run.status}: ${run.succeeded} written, ${run.dead} dead letters, ${run.sapRowsRead} SAP rows read`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A product "in Zoho" that the PO flow maps to SAP material SIM-PUMP-01; answers its id. */
export function ensureDemoProduct(zoho: SimZohoServer): string {
  const products = zoho.records.table('Products');
  if (!products) throw new Error('sim-zoho has no Products module');
  const existing = products.findBy('Product_Code', DEMO_PRODUCT.Product_Code);
  if (existing) return existing;
  const outcome = zoho.records.insertOne(products, { ...DEMO_PRODUCT }, 0);
  if (!outcome.ok) throw new Error(`creating the demo product failed: ${outcome.error.message}`);
  return outcome.record.id;
}

/** A Zoho vendor the vendors flow has linked to SAP, for the printed PO example. */
export function linkedVendor(zoho: SimZohoServer): { id: string; name: string; sapNumber: string } | undefined {
  for (const record of zoho.records.table('Vendors')?.records.values() ?? []) {
    const sapNumber = record.values['SAP_Vendor_Number'];
    if (typeof sapNumber === 'string' && sapNumber) return { id: record.id, name: String(record.values['Vendor_Name']), sapNumber };
  }
  return undefined;
}
