// pnpm bench zoho-upsert: 100,000 Accounts upserted through @mlc/zoho against sim-zoho at Enterprise
// limits (20 concurrent, 10 complex) with 50 ms per call. The ceiling is what those limits allow:
// 10 complex calls in flight x 100 records / 50 ms. Table, then the JSON line last.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ZohoBudget, ZohoCrmClient, ZohoOAuthClient, ZohoRecordsApi, type ZohoRecord } from '@mlc/zoho';
import { table } from './bench-kit.js';

const RECORDS = Number(process.env['ZOHO_BENCH_RECORDS'] ?? 100_000);
const LATENCY_MS = 50;
const COMPLEX = 10;
const BATCH = 100;
const CLIENT = { clientId: '1000.BENCH', clientSecret: 'bench-secret', redirectUri: 'http://127.0.0.1:9/cb' };
const SIM_CLI = fileURLToPath(new URL('../../../packages/sim-zoho/dist/sim-zoho.main.js', import.meta.url));

/** Zoho is remote: the simulator runs in its own process, so its work does not eat the client's CPU. */
async function startSim(): Promise<{ baseUrl: string; accountsServer: string; stop(): void }> {
  const args = [SIM_CLI, '--port', '0', '--edition', 'enterprise', '--users', '100', '--latency-ms', String(LATENCY_MS), '--auto-approve', '--client', `${CLIENT.clientId}:${CLIENT.clientSecret}:${CLIENT.redirectUri}`];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout })) {
    const event = JSON.parse(line) as { event?: string; url?: string };
    if (event.event === 'listening' && event.url) return { baseUrl: event.url, accountsServer: `${event.url}/dc/us/accounts`, stop: () => child.kill('SIGKILL') };
  }
  throw new Error('sim-zoho exited before listening');
}

async function main(): Promise<void> {
  const sim = await startSim();
  try {
    const oauth = new ZohoOAuthClient(CLIENT);
    const consent = await fetch(oauth.authorizeUrl({ accountsServer: sim.accountsServer, scopes: ['ZohoCRM.modules.ALL'], state: 'bench' }), { redirect: 'manual' });
    const back = new URL(consent.headers.get('location') ?? '');
    const tokens = await oauth.exchangeCode(back.searchParams.get('accounts-server') ?? '', back.searchParams.get('code') ?? '');
    const access = { accessToken: tokens.accessToken, apiDomain: tokens.apiDomain };
    const budget = ZohoBudget.forEdition('enterprise', 100);
    let calls = 0;
    const client = new ZohoCrmClient({ budget, tokens: { current: () => Promise.resolve(access), renew: () => Promise.resolve(access) }, onExchange: () => (calls += 1) });
    const records: ZohoRecord[] = Array.from({ length: RECORDS }, (_, i) => ({ Account_Name: `Bench Account ${i}`, Account_Number: String(i) }));

    const started = process.hrtime.bigint();
    const results = await new ZohoRecordsApi(client).upsert('Accounts', records, { duplicateCheckFields: ['Account_Name'] });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;

    const failed = results.filter((r) => !r.ok).length;
    if (failed > 0) throw new Error(`${failed} records failed`);
    const state = (await (await fetch(`${sim.baseUrl}/__admin/state`)).json()) as { credits: { used: number } };
    const callLog = (await (await fetch(`${sim.baseUrl}/__admin/calls`)).json()) as { calls: Array<{ status: number }> };
    const throttled = callLog.calls.filter((c) => c.status === 429).length;
    const recordsPerSecond = RECORDS / seconds;
    const ceiling = (COMPLEX * BATCH) / (LATENCY_MS / 1000);
    process.stdout.write(
      `${table([
        ['records', String(RECORDS)],
        ['seconds', seconds.toFixed(2)],
        ['records/s', recordsPerSecond.toFixed(0)],
        ['ceiling records/s (10 complex x 100 / 50 ms)', String(ceiling)],
        ['of ceiling', `${((recordsPerSecond / ceiling) * 100).toFixed(1)} %`],
        ['calls (429s among them)', `${calls} (${throttled})`],
        ['credits (target 1 per 10 records)', String(state.credits.used)],
      ])}\n`,
    );
    process.stdout.write(
      `${JSON.stringify({ bench: 'zoho-upsert', records: RECORDS, seconds: round(seconds), records_s: Math.round(recordsPerSecond), ceiling_records_s: ceiling, calls, credits: state.credits.used })}\n`,
    );
  } finally {
    sim.stop();
  }
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
