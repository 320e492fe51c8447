import { randomBytes } from 'node:crypto';
import { spawnSimSageX3, type SimSageX3Process } from '@mlc/sim-sage-x3';
import { startSimZoho, type SimZohoServer } from '@mlc/sim-zoho';
import { enrollAgent, startConnectedAgent, startRelay, type AgentProcess, type RelayProcess } from './processes.js';
import { freePort } from './ports.js';
import { createEnrollmentToken, createTenant } from './suite-database.js';
import { FlowStack } from './flow-stack.js';
import { addX3Profiles, x3SimArgs } from './x3-profile.js';

const CLIENT = { clientId: '1000.E2ESYNCX3', clientSecret: 'e2e-sync-x3-secret' };

/** Every X3 operation the three X3 flows need, and nothing else. */
export const X3_SYNC_POLICY = {
  http: [],
  graphql: [
    'query:x3BusinessPartners.customer', 'query:x3Sales.salesOrder', 'query:x3StockData.stock',
    'mutation:x3BusinessPartners.customer.create', 'mutation:x3BusinessPartners.customer.update', 'mutation:x3Sales.salesOrder.create',
  ],
};

/** The custom fields the X3 flows' default configs write to, as a Zoho admin would add them. */
export const X3_ZOHO_CUSTOM_FIELDS = [
  { module: 'Accounts', field: { apiName: 'X3_Customer_Code', type: 'text' as const, unique: true } },
  { module: 'Accounts', field: { apiName: 'X3_Currency', type: 'text' as const } },
  { module: 'Accounts', field: { apiName: 'X3_Credit_Limit', type: 'currency' as const } },
  { module: 'Accounts', field: { apiName: 'X3_Status', type: 'text' as const } },
  { module: 'Accounts', field: { apiName: 'X3_Inventory_Availability', type: 'text' as const } },
  { module: 'Deals', field: { apiName: 'X3_Sales_Order', type: 'text' as const } },
  { module: 'Sales_Orders', field: { apiName: 'X3_Order_Number', type: 'text' as const, unique: true } },
];

export interface X3SyncStackOptions {
  customers?: number;
  ordersPerCustomer?: number;
  /** sim-zoho's edition (default enterprise). */
  edition?: 'standard' | 'professional' | 'enterprise';
  x3Args?: string[];
  relayEnv?: Record<string, string>;
  zohoLatencyMs?: number;
  /** Environment of the agent process. */
  agentEnv?: Record<string, string>;
}

/**
 * The product on real sockets for the X3 flows: sim-sage-x3 (a process, with the suite's connected
 * app, OAuth client and Basic user), sim-zoho (in this process), a relay process connected to Zoho
 * through OAuth, and an enrolled agent with two sage-x3 profiles ("X3-JWT" signs connected-app JWTs,
 * "X3-OAUTH" refreshes 5-minute access tokens). Each stack has its own tenant.
 */
export class X3SyncStack extends FlowStack {
  private constructor(
    readonly x3: SimSageX3Process,
    readonly zoho: SimZohoServer,
    readonly relay: RelayProcess,
    public agent: AgentProcess,
    readonly tenantId: string,
    readonly agentHome: string,
    readonly agentId: string,
    readonly profiles: { jwt: string; oauth: string },
  ) {
    super();
  }

  /** Flows run on the OAuth profile unless their config names another. */
  protected override flowDefaults(): Record<string, unknown> {
    return { x3Profile: this.profiles.oauth };
  }

  static async start(options: X3SyncStackOptions = {}): Promise<X3SyncStack> {
    const x3 = await spawnSimSageX3(x3SimArgs('SEED', ['--customers', String(options.customers ?? 50), '--orders-per-customer', String(options.ordersPerCustomer ?? 0), ...(options.x3Args ?? [])]));
    const zoho = await startSimZoho({ settings: { autoApprove: true, orgDc: 'eu', edition: options.edition ?? 'enterprise', latencyMs: options.zohoLatencyMs ?? 0 }, customFields: X3_ZOHO_CUSTOM_FIELDS });
    let relay: RelayProcess | undefined;
    try {
      const httpPort = await freePort();
      const callback = `http://127.0.0.1:${httpPort}/v1/zoho/oauth/callback`;
      zoho.registerClient({ ...CLIENT, redirectUris: [callback] });
      relay = await startRelay({
        httpPort,
        env: {
          ZOHO_CLIENT_ID: CLIENT.clientId, ZOHO_CLIENT_SECRET: CLIENT.clientSecret, ZOHO_REDIRECT_URI: callback,
          ZOHO_ACCOUNTS_URL: zoho.dc('eu').accountsServer, ZOHO_ACCOUNTS_SERVERS: zoho.dc('eu').accountsServer,
          ZOHO_WEBHOOK_BASE_URL: `http://127.0.0.1:${httpPort}`, ZOHO_WATCH_MODULES: 'Accounts,Deals,Sales_Orders', ZOHO_SCHEDULER_INTERVAL_MS: '1000',
          RELAY_MASTER_KEYS: `e2e:${randomBytes(32).toString('base64')}`, LOG_LEVEL: 'info', ...options.relayEnv,
        },
      });
      const tenant = await createTenant('syncx3');
      const started = await relay.admin('POST', `/v1/tenants/${tenant.id}/zoho/connect`);
      const consent = await fetch(String(started.body['authorize_url']), { redirect: 'manual' });
      const connected = await fetch(consent.headers.get('location') ?? '');
      if (connected.status !== 200) throw new Error(`connecting Zoho failed: ${connected.status} ${await connected.text()}`);
      const { home, agentId } = await enrollAgent(relay, await createEnrollmentToken(tenant.id));
      const profiles = await addX3Profiles(home, x3, { jwt: X3_SYNC_POLICY, oauth: X3_SYNC_POLICY });
      const agent = await startConnectedAgent(home, { env: options.agentEnv });
      return new X3SyncStack(x3, zoho, relay, agent, tenant.id, home, agentId, profiles);
    } catch (err) {
      await Promise.allSettled([relay?.stop(), x3.stop(), zoho.close()]);
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.agent.stop();
    await this.relay.stop();
    await this.x3.stop();
    await this.zoho.close();
  }

  /** X3 GraphQL as the sync's own X3 user would see it, straight from the simulator (test assertions only). */
  async x3Customer(code: string): Promise<Record<string, unknown> | undefined> {
    const data = await this.x3Graphql(`{ sage { x3BusinessPartners { customer(filter: "{code:'${code}'}") { edges { node { code companyName country currency creditLimit isActive updateUser } } } } } }`);
    return (data as { sage: { x3BusinessPartners: { customer: { edges: Array<{ node: Record<string, unknown> }> } } } }).sage.x3BusinessPartners.customer.edges[0]?.node;
  }

  async x3Orders(filter: string): Promise<Array<Record<string, unknown>>> {
    const data = await this.x3Graphql(`{ sage { x3Sales { salesOrder(filter: ${JSON.stringify(filter)}, first: 1000) { edges { node { id soldToCustomer customerOrderReference orderStatus lines { product grossPrice } } } } } } }`);
    return (data as { sage: { x3Sales: { salesOrder: { edges: Array<{ node: Record<string, unknown> }> } } } }).sage.x3Sales.salesOrder.edges.map((e) => e.node);
  }

  /** A one-line sales order made in X3 (as an X3 user would enter it), through the operators' endpoint; answers its number. */
  async x3CreateOrder(customer: string, product: string, quantity: number): Promise<string> {
    const data = await this.x3Graphql(`mutation { sage { x3Sales { salesOrder { create(data: { salesSite: "FR011", soldToCustomer: ${JSON.stringify(customer)}, orderDate: "2026-01-15",
      lines: [{ product: ${JSON.stringify(product)}, quantityInSalesUnitOrdered: ${quantity}, grossPrice: 10 }] }) { id } } } } }`);
    return String((data as { sage: { x3Sales: { salesOrder: { create: { id: string } } } } }).sage.x3Sales.salesOrder.create.id);
  }

  /** A GraphQL query through the operators' X3 endpoint, on the JWT profile (the flows use the OAuth one). */
  private async x3Graphql(query: string): Promise<unknown> {
    const res = await this.relay.admin('POST', `/v1/agents/${this.agentId}/x3/graphql`, { profile: this.profiles.jwt, query });
    if (res.status !== 200) throw new Error(`X3 query failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body['data'];
  }
}
