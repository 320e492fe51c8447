import { randomBytes } from 'node:crypto';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { startSimZoho, type SimZohoServer } from '@mlc/sim-zoho';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './processes.js';
import { FlowStack, sleep } from './flow-stack.js';
import { freePort } from './ports.js';
import { addSapProfile } from './sap-profile.js';
import { createEnrollmentToken, createTenant } from './suite-database.js';

const CLIENT = { clientId: '1000.E2ESYNC', clientSecret: 'e2e-sync-secret' };

/** Every function module and table the five SAP flows need, and nothing else. */
export const SYNC_POLICY = {
  functionModules: ['STFC_CONNECTION', 'BAPI_PO_CREATE1', 'BAPI_ACC_DOCUMENT_POST', 'Z_MLC_VENDOR_MAINTAIN'],
  tables: Object.fromEntries(['KNA1', 'KNB1', 'KNKK', 'KNVK', 'LFA1', 'LFB1', 'CDHDR', 'EKKO', 'BKPF', 'T001', 'SKA1', 'SKB1'].map((t) => [t, { maxRows: 2_000_000 }])),
};

/** The custom fields and module the flows' default configs write to, as a Zoho admin would add them. */
export const ZOHO_CUSTOM_FIELDS = [
  { module: 'Accounts', field: { apiName: 'SAP_Customer_Number', type: 'text' as const, unique: true } },
  { module: 'Accounts', field: { apiName: 'SAP_Credit_Limit', type: 'currency' as const } },
  { module: 'Accounts', field: { apiName: 'SAP_Credit_Status', type: 'text' as const } },
  { module: 'Accounts', field: { apiName: 'SAP_Payment_Terms', type: 'text' as const } },
  { module: 'Contacts', field: { apiName: 'SAP_Contact_Number', type: 'text' as const, unique: true } },
  { module: 'Vendors', field: { apiName: 'SAP_Vendor_Number', type: 'text' as const, unique: true } },
  { module: 'Vendors', field: { apiName: 'SAP_VAT_Number', type: 'text' as const } },
  { module: 'Invoices', field: { apiName: 'SAP_Document_Number', type: 'text' as const } },
];

export interface SyncStackOptions {
  customers?: number;
  vendors?: number;
  sapArgs?: string[];
  zohoLatencyMs?: number;
  relayEnv?: Record<string, string>;
}

/**
 * The whole product on real sockets: sim-sap-ecc (a process), sim-zoho (in this process, with the
 * custom fields the flows use), a relay process connected to Zoho through OAuth, and an enrolled
 * agent with an SAP profile. Each stack has its own tenant.
 */
export class SyncStack extends FlowStack {
  private constructor(
    readonly sap: SimProcess,
    readonly zoho: SimZohoServer,
    public relay: RelayProcess,
    public agent: AgentProcess,
    readonly tenantId: string,
    readonly agentHome: string,
    readonly relayEnv: Record<string, string>,
    readonly relayPorts: { httpPort: number; grpcPort: number },
  ) {
    super();
  }

  static async start(options: SyncStackOptions = {}): Promise<SyncStack> {
    const sap = await spawnSimSapEcc(['--customers', String(options.customers ?? 200), '--vendors', String(options.vendors ?? 40), '--max-sessions', '20', ...(options.sapArgs ?? [])]);
    const zoho = await startSimZoho({ settings: { autoApprove: true, orgDc: 'eu', latencyMs: options.zohoLatencyMs ?? 0 }, customFields: ZOHO_CUSTOM_FIELDS });
    try {
      return await SyncStack.startRest(sap, zoho, options);
    } catch (err) {
      await Promise.allSettled([sap.stop(), zoho.close()]);
      throw err;
    }
  }

  private static async startRest(sap: SimProcess, zoho: SimZohoServer, options: SyncStackOptions): Promise<SyncStack> {
    const httpPort = await freePort();
    const grpcPort = await freePort();
    const callback = `http://127.0.0.1:${httpPort}/v1/zoho/oauth/callback`;
    zoho.registerClient({ ...CLIENT, redirectUris: [callback] });
    const relayEnv = {
      ZOHO_CLIENT_ID: CLIENT.clientId,
      ZOHO_CLIENT_SECRET: CLIENT.clientSecret,
      ZOHO_REDIRECT_URI: callback,
      ZOHO_ACCOUNTS_URL: zoho.dc('eu').accountsServer,
      ZOHO_ACCOUNTS_SERVERS: zoho.dc('eu').accountsServer,
      ZOHO_WEBHOOK_BASE_URL: `http://127.0.0.1:${httpPort}`,
      ZOHO_WATCH_MODULES: 'Vendors,Purchase_Orders,Invoices',
      ZOHO_SCHEDULER_INTERVAL_MS: '1000',
      RELAY_MASTER_KEYS: `e2e:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'info',
      ...options.relayEnv,
    };
    const relay = await startRelay({ httpPort, grpcPort, env: relayEnv });
    try {
      return await SyncStack.connect(sap, zoho, relay, relayEnv, { httpPort, grpcPort });
    } catch (err) {
      await relay.stop();
      throw err;
    }
  }

  private static async connect(sap: SimProcess, zoho: SimZohoServer, relay: RelayProcess, relayEnv: Record<string, string>, relayPorts: { httpPort: number; grpcPort: number }): Promise<SyncStack> {
    const tenant = await createTenant('sync');
    const started = await relay.admin('POST', `/v1/tenants/${tenant.id}/zoho/connect`);
    const consent = await fetch(String(started.body['authorize_url']), { redirect: 'manual' });
    const connected = await fetch(consent.headers.get('location') ?? '');
    if (connected.status !== 200) throw new Error(`connecting Zoho failed: ${connected.status} ${await connected.text()}`);
    const { home } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
    await addSapProfile(home, sap, { maxConnections: 8, ...SYNC_POLICY });
    const agent = await startConnectedAgent(home);
    return new SyncStack(sap, zoho, relay, agent, tenant.id, home, relayEnv, relayPorts);
  }

  async stop(): Promise<void> {
    await this.agent.stop();
    await this.relay.stop();
    await this.sap.stop();
    await this.zoho.close();
  }

  /** Kills the relay (-9) and starts it again on the same ports and database. */
  async restartRelay(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.relay.kill(signal);
    await this.relay.exited;
    this.relay = await startRelay({ ...this.relayPorts, env: this.relayEnv });
  }

  async restartAgent(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.agent.kill(signal);
    await this.agent.exited;
    this.agent = await startConnectedAgent(this.agentHome);
  }

  async sapAdmin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.sap.adminUrl}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as Record<string, unknown>;
  }
}

export { sleep };

/** Polls until `check` returns a value (not undefined/false), or fails naming what it waited for. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
