// pnpm bench sync: the SAP ECC <-> Zoho sync engine end to end (sim-sap-ecc and relay and agent as
// processes, sim-zoho at Enterprise limits with 50 ms per call):
//  (a) the initial load of 100,000 SAP customers into Zoho Accounts, against the ceiling Zoho's limits
//      allow: upserts of 100 records are complex calls, which Enterprise runs at most
//      min(SUB_CONCURRENCY, edition concurrency) at once, so ceiling = that x 100 records / 50 ms;
//  (b) a delta run after 10 customer changes (SAP rows read, seconds);
//  (c) 100 Zoho POs created one every 100 ms, from creation to the committed SAP PO (p50, p95).
// The table also says where the CPU went during (a), by process (from /proc), since on a small machine
// the load is bound by CPU shared among PostgreSQL, the relay, the agent and the simulators.
// SYNC_BENCH_CUSTOMERS / SYNC_BENCH_POS shrink the data set; SYNC_BENCH_RELAY_CPU_PROF=DIR profiles the relay.
// Table, then the JSON line last.
import { availableParallelism } from 'node:os';
import { editionLimits, SUB_CONCURRENCY } from '@mlc/sim-zoho';
import { killAll } from '../harness/processes.js';
import { startSuiteDatabase, stopSuiteDatabase } from '../harness/suite-database.js';
import { sleep, SyncStack } from '../harness/sync-stack.js';
import { percentile, table } from './bench-kit.js';
import { cpuByProcess, cpuSpent } from './cpu-by-process.js';

const CUSTOMERS = Number(process.env['SYNC_BENCH_CUSTOMERS'] ?? 100_000);
const POS = Number(process.env['SYNC_BENCH_POS'] ?? 100);
const LATENCY_MS = 50;
const BATCH = 100;
const CHANGES = 10;
const PO_EVERY_MS = 100;
/** How often SAP is asked for new POs while timing (c); adds up to this much to each sample. */
const PO_POLL_MS = 20;
const CUSTOMERS_FLOW = 'sap-customers-to-zoho-accounts';

type Json = Record<string, unknown>;

async function main(): Promise<void> {
  process.env['MLC_E2E_DATABASE_URL'] = await startSuiteDatabase();
  // Only POs are watched: the bench measures SAP -> Zoho, not our own writes echoing back as callbacks.
  const cores = availableParallelism();
  const stack = await SyncStack.start({ customers: CUSTOMERS, vendors: 20, zohoLatencyMs: LATENCY_MS, relayEnv: { ZOHO_WATCH_MODULES: 'Purchase_Orders', ...relayProfiling() } });
  try {
    const complexInFlight = Math.min(SUB_CONCURRENCY, editionLimits('enterprise').concurrency);
    const ceiling = (complexInFlight * BATCH) / (LATENCY_MS / 1000);
    const initial = await initialLoad(stack);
    const delta = await deltaRun(stack);
    const po = await purchaseOrders(stack);
    const initialRate = CUSTOMERS / initial.seconds;
    process.stdout.write(
      `${table([
        ['(a) customers loaded into Zoho Accounts (contacts off)', `${initial.accounts} in ${initial.seconds.toFixed(2)} s (SAP rows read ${initial.sapRows})`],
        ['(a) records/s', initialRate.toFixed(0)],
        ['(a) Accounts arriving in Zoho', pace(initial.arrivals)],
        [`(a) ceiling records/s (${complexInFlight} complex calls x ${BATCH} / ${LATENCY_MS} ms)`, String(ceiling)],
        ['(a) of ceiling (target >= 80 %)', `${((initialRate / ceiling) * 100).toFixed(1)} %`],
        ...initial.cpu.map(([kind, seconds]): [string, string] => [`(a) CPU ${kind}`, `${seconds.toFixed(2)} s (${((seconds * 1e6) / CUSTOMERS).toFixed(0)} us/record)`]),
        [`(a) CPU all, of ${cores} cores x ${initial.seconds.toFixed(2)} s`, cpuShare(initial.cpu, cores, initial.seconds)],
        [`(b) delta after ${CHANGES} changes: SAP rows read (target <= 100)`, String(delta.rows)],
        ['(b) delta seconds (written to Zoho)', `${delta.seconds.toFixed(2)} (${delta.written})`],
        [`(c) ${POS} POs one every ${PO_EVERY_MS} ms, created -> committed in SAP p50 / p95 ms (target p95 <= 2000)`, `${po.p50.toFixed(0)} / ${po.p95.toFixed(0)} (max ${po.max.toFixed(0)}, poll every ${PO_POLL_MS} ms)`],
      ])}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'sync',
        initial_records_s: Math.round(initialRate),
        initial_ceiling_records_s: ceiling,
        delta_rows_read: delta.rows,
        delta_seconds: round(delta.seconds),
        po_latency_p50_ms: Math.round(po.p50),
        po_latency_p95_ms: Math.round(po.p95),
      })}\n`,
    );
  } finally {
    await stack.stop().catch(() => undefined);
    killAll();
    await stopSuiteDatabase();
  }
}

/** The load, and the CPU each process spent on it (the check that follows is not counted). */
async function initialLoad(stack: SyncStack): Promise<{ seconds: number; accounts: number; sapRows: number; cpu: Array<[string, number]>; arrivals: number[] }> {
  const cpuBefore = cpuByProcess();
  const arrivals = accountArrivals(stack);
  const run = await stack.enableFlow(CUSTOMERS_FLOW, { contacts: { enabled: false } }, 3_600_000, 900_000);
  const cpu = cpuSpent(cpuBefore, cpuByProcess());
  arrivals.stop();
  if (run['status'] !== 'succeeded' || Number(run['dead']) > 0) throw new Error(`the initial load did not succeed: ${JSON.stringify(run)}`);
  const accounts = (await stack.zohoRecords('Accounts')).length;
  if (accounts !== CUSTOMERS) throw new Error(`${accounts} Accounts in Zoho, expected ${CUSTOMERS}`);
  return { seconds: runSeconds(run), accounts, sapRows: Number(run['sapRowsRead']), cpu, arrivals: arrivals.times };
}

/** When each Account reached Zoho (ms since the flow was enabled), from sim-zoho's change events. */
function accountArrivals(stack: SyncStack): { times: number[]; stop(): void } {
  const times: number[] = [];
  const start = performance.now();
  let watching = true;
  stack.zoho.records.onChange((event) => {
    if (!watching || event.module !== 'Accounts') return;
    const at = performance.now() - start;
    for (let i = 0; i < event.ids.length; i += 1) times.push(at);
  });
  return { times, stop: () => (watching = false) };
}

/** The first Account's arrival, and the pace from there to the last one. */
function pace(arrivals: readonly number[]): string {
  const first = arrivals[0] ?? Number.NaN;
  const last = arrivals[arrivals.length - 1] ?? Number.NaN;
  return `first after ${first.toFixed(0)} ms, then ${(((arrivals.length - 1) * 1000) / (last - first)).toFixed(0)} records/s`;
}

async function deltaRun(stack: SyncStack): Promise<{ rows: number; seconds: number; written: number }> {
  for (let i = 0; i < CHANGES; i += 1) {
    const kunnr = String(100_000 + Math.floor(((i + 0.5) * CUSTOMERS) / CHANGES)).padStart(10, '0');
    await stack.sapAdmin('PATCH', `/customers/${kunnr}`, { KNA1: { NAME1: `Changed for the bench ${i}` } });
  }
  const run = await stack.runFlow(CUSTOMERS_FLOW, 120_000);
  if (Number(run['succeeded']) !== CHANGES) throw new Error(`the delta wrote ${String(run['succeeded'])} records, expected ${CHANGES}: ${JSON.stringify(run)}`);
  return { rows: Number(run['sapRowsRead']), seconds: runSeconds(run), written: Number(run['succeeded']) };
}

/** POs "in Zoho" (each fires a webhook) for linked vendors; timed until SAP shows the committed PO. */
async function purchaseOrders(stack: SyncStack): Promise<{ p50: number; p95: number; max: number }> {
  await stack.enableFlow('sap-vendors-zoho-vendors');
  const vendors = (await stack.zohoRecords('Vendors')).filter((v) => typeof v['SAP_Vendor_Number'] === 'string');
  const product = await stack.zohoCreate('Products', { Product_Name: 'Pump', Product_Code: 'SIM-PUMP-01' });
  await stack.enableFlow('zoho-purchase-orders-to-sap', { materials: { Pump: 'SIM-PUMP-01' } });

  const createdAt = new Map<string, number>();
  const committedAt = new Map<string, number>();
  let creating = true;
  const watcher = (async () => {
    while (creating || committedAt.size < POS) {
      const orders = (await stack.sapAdmin('GET', '/purchase-orders'))['orders'] as Json[];
      const now = performance.now();
      for (const order of orders) {
        const ref = String((order['EKKO'] as Json)['IHREZ']);
        if (!committedAt.has(ref)) committedAt.set(ref, now);
      }
      if (!creating && now - Math.max(...createdAt.values()) > 60_000) throw new Error(`${POS - committedAt.size} POs not in SAP after 60 s`);
      await sleep(PO_POLL_MS);
    }
  })();
  const started = performance.now();
  for (let i = 0; i < POS; i += 1) {
    await sleep(Math.max(0, started + i * PO_EVERY_MS - performance.now()));
    const vendor = vendors[i % vendors.length] as Json;
    const at = performance.now();
    const id = await stack.zohoCreate('Purchase_Orders', {
      Subject: `Bench PO ${i}`, Vendor_Name: { id: vendor['id'] },
      Purchase_Items: [{ Product_Name: { id: product }, Quantity: 1 + (i % 5), List_Price: 99.5 }],
    });
    createdAt.set(`Z${id.slice(-11)}`, at);
  }
  creating = false;
  await watcher;
  const samples = [...createdAt].map(([ref, at]) => (committedAt.get(ref) as number) - at).sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), max: samples[samples.length - 1] as number };
}

/** SYNC_BENCH_RELAY_CPU_PROF=DIR: the relay writes a V8 CPU profile there when it stops (open it in Chrome DevTools). */
function relayProfiling(): Record<string, string> {
  const dir = process.env['SYNC_BENCH_RELAY_CPU_PROF'];
  return dir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` } : {};
}

/** All the CPU the load took, and how much of the machine that was (near 100 % = CPU-bound). */
function cpuShare(cpu: Array<[string, number]>, cores: number, seconds: number): string {
  const total = cpu.reduce((sum, [, s]) => sum + s, 0);
  return `${total.toFixed(2)} s (${((total / (cores * seconds)) * 100).toFixed(0)} %; ${((total * 1e6) / CUSTOMERS).toFixed(0)} us/record)`;
}

function runSeconds(run: Json): number {
  return (Date.parse(String(run['finishedAt'])) - Date.parse(String(run['startedAt']))) / 1000;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
