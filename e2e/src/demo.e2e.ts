import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLines } from './harness/log-lines.js';
import { freePort } from './harness/ports.js';
import { eventually } from './harness/sync-stack.js';

type Json = Record<string, unknown>;

const DEMO_MAIN = fileURLToPath(new URL('../../relay/dist/demo/demo.main.js', import.meta.url));
const READY = 'ml-connector demo is running';

interface Demo {
  child: ChildProcess;
  out: LogLines;
  exited: Promise<number | null>;
}

/** `pnpm start` as the README runs it, minus the build, in a fresh demo directory on free ports. */
function startDemo(env: Record<string, string>): Demo {
  const child = spawn(process.execPath, [DEMO_MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = new LogLines();
  out.attach(child.stdout as NonNullable<typeof child.stdout>);
  out.attach(child.stderr as NonNullable<typeof child.stderr>);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, out, exited };
}

/** Ctrl-C, and the demo (relay, agent, simulators, PostgreSQL) must be gone within 30 s. */
async function interrupt(demo: Demo): Promise<number | null> {
  demo.child.kill('SIGINT');
  const timer = setTimeout(() => demo.child.kill('SIGKILL'), 30_000);
  const code = await demo.exited;
  clearTimeout(timer);
  return code;
}

describe('pnpm start (relay/src/demo): the whole product with flows 1-5 on', () => {
  let dir: string;
  let env: Record<string, string>;
  let demo: Demo | undefined;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlc-e2e-demo-'));
    await chmod(dir, 0o755);
    const names = ['RELAY_HTTP_PORT', 'RELAY_GRPC_PORT', 'RELAY_EMBEDDED_PG_PORT', 'MLC_DEMO_SAP_RFC_PORT', 'MLC_DEMO_SAP_ADMIN_PORT', 'MLC_DEMO_ZOHO_PORT'];
    env = { MLC_DEMO_DIR: dir, MLC_DEMO_CUSTOMERS: '300', MLC_DEMO_VENDORS: '60' };
    for (const name of names) env[name] = String(await freePort());
  });
  after(async () => {
    if (demo) await interrupt(demo);
    await rm(dir, { recursive: true, force: true });
  });

  const relay = (): string => `http://127.0.0.1:${env['RELAY_HTTP_PORT']}`;
  const zoho = async (method: string, path: string, body?: unknown): Promise<Json> => {
    const response = await fetch(`http://127.0.0.1:${env['MLC_DEMO_ZOHO_PORT']}/__admin/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as Json;
  };
  const zohoRecords = async (module: string): Promise<Json[]> => (await zoho('GET', `records/${module}`))['data'] as Json[];
  const sapOrders = async (ref: string): Promise<Json[]> => {
    const response = await fetch(`http://127.0.0.1:${env['MLC_DEMO_SAP_ADMIN_PORT']}/purchase-orders?ref=${ref}`);
    return ((await response.json()) as Json)['orders'] as Json[];
  };

  it('starts everything, prints the console login and the next steps; a PO made in Zoho becomes a committed SAP PO', async () => {
    demo = startDemo(env);
    await demo.out.waitFor((line) => line.msg === READY, 170_000, 'the demo to be ready');
    const printed = demo.out.raw.join('\n');
    expect(printed).to.contain(`${relay()}/console`).and.to.contain('login demo@example.com / ');
    expect(printed).to.contain('/__admin/records/Purchase_Orders').and.to.contain('/purchase-orders?ref=Z');
    expect(printed).to.match(/sap-customers-to-zoho-accounts\s+first run succeeded: 450 written, 0 dead letters/);

    const consolePage = await fetch(`${relay()}/console`);
    expect(consolePage.status).to.equal(200);
    const password = (await readFile(join(dir, 'console-password'), 'utf8')).trim();
    const login = await fetch(`${relay()}/console/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'demo@example.com', password }) });
    expect(login.status, await login.text()).to.equal(200);

    // The printed example: a PO for a linked vendor and the product the PO flow maps to SIM-PUMP-01.
    const vendor = (await zohoRecords('Vendors')).find((v) => typeof v['SAP_Vendor_Number'] === 'string') as Json;
    const product = (await zohoRecords('Products')).find((p) => p['Product_Code'] === 'SIM-PUMP-01') as Json;
    expect((await zohoRecords('SAP_Reference_Data')).length).to.be.greaterThan(0);
    const created = await zoho('POST', 'records/Purchase_Orders', { Subject: 'Pumps', Vendor_Name: { id: vendor['id'] }, Purchase_Items: [{ Product_Name: { id: product['id'] }, Quantity: 4, List_Price: 120.5 }] });
    const poId = String(((created['data'] as Json[])[0]?.['details'] as Json)['id']);
    const order = await eventually('the SAP PO', async () => (await sapOrders(`Z${poId.slice(-11)}`))[0]);
    const ekko = order['EKKO'] as Json;
    expect(ekko['LIFNR']).to.equal(String(vendor['SAP_Vendor_Number']).padStart(10, '0'));
    await eventually('the SAP PO number written back to Zoho', async () => (await zohoRecords('Purchase_Orders')).find((p) => p['id'] === poId && p['PO_Number'] === ekko['EBELN']));

    expect(await interrupt(demo)).to.equal(0);
    demo = undefined;
  });

  it('a second start reuses the state: same agent, no new initial loads, the PO still on both sides, new POs still flow', async () => {
    demo = startDemo(env);
    await demo.out.waitFor((line) => line.msg === READY, 120_000, 'the restarted demo to be ready');
    const printed = demo.out.raw.join('\n');
    expect(printed).to.not.contain('enrolled as agent').and.not.contain('first run');
    const pos = await zohoRecords('Purchase_Orders');
    expect(pos).to.have.length(1);
    expect((await sapOrders(`Z${String(pos[0]?.['id']).slice(-11)}`))).to.have.length(1);
    expect(await zohoRecords('Accounts')).to.have.length(300);

    const vendor = (await zohoRecords('Vendors')).find((v) => typeof v['SAP_Vendor_Number'] === 'string') as Json;
    const product = (await zohoRecords('Products')).find((p) => p['Product_Code'] === 'SIM-PUMP-01') as Json;
    const created = await zoho('POST', 'records/Purchase_Orders', { Subject: 'After restart', Vendor_Name: { id: vendor['id'] }, Purchase_Items: [{ Product_Name: { id: product['id'] }, Quantity: 1, List_Price: 10 }] });
    const poId = String(((created['data'] as Json[])[0]?.['details'] as Json)['id']);
    await eventually('the PO made after the restart in SAP', async () => (await sapOrders(`Z${poId.slice(-11)}`))[0]);
    expect(await interrupt(demo)).to.equal(0);
    demo = undefined;
  });
});
