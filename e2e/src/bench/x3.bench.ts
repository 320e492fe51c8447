// pnpm bench x3: the initial sync of 20,000 Sage X3 customers into Zoho Accounts through relay and
// agent (sim-sage-x3 in its own process, OAuth profile with 5-minute access tokens), with X3's clock
// running fast so tokens expire every few real seconds. Baseline in the same run: the same customers
// read straight from the simulator's GraphQL. Table, then the JSON line last.
import { createHmac } from 'node:crypto';
import { ADMIN_TOKEN, killAll } from '../harness/processes.js';
import { startSuiteDatabase, stopSuiteDatabase } from '../harness/suite-database.js';
import { X3_APP } from '../harness/x3-profile.js';
import { X3SyncStack } from '../harness/x3-sync-stack.js';
import { table } from './bench-kit.js';

const CUSTOMERS = Number(process.env['X3_BENCH_CUSTOMERS'] ?? 20_000);
/** Simulated seconds per real second: at 120 a 5-minute token lasts 2.5 real seconds. */
const CLOCK_RATE = Number(process.env['X3_BENCH_CLOCK_RATE'] ?? 120);
const FLOW = 'x3-customers-zoho-accounts';

interface CallEntry { api: string; status: number; note?: string }

async function main(): Promise<void> {
  process.env['MLC_E2E_DATABASE_URL'] = await startSuiteDatabase();
  // Zoho is left without watch channels: the bench measures X3 -> Zoho, not our own writes echoing back.
  const stack = await X3SyncStack.start({ customers: CUSTOMERS, zohoLatencyMs: 50, relayEnv: { ZOHO_WATCH_MODULES: 'Deals' } });
  try {
    const direct = await directRead(stack.x3.url);
    await stack.x3.admin('DELETE', '/calls');
    await stack.x3.admin('POST', '/clock', { rate: CLOCK_RATE });
    const tokensBefore = await stack.x3.admin('GET', '/tokens') as { refreshes: number };

    const run = await stack.enableFlow(FLOW, {}, 3_600_000, 900_000);
    const seconds = (Date.parse(String(run['finishedAt'])) - Date.parse(String(run['startedAt']))) / 1000;
    const tokens = await stack.x3.admin('GET', '/tokens') as { refreshes: number; rejected: Record<string, number> };
    const calls = (await stack.x3.admin('GET', '/calls'))['calls'] as CallEntry[];
    const accounts = await stack.zohoRecords('Accounts');
    const x3Refused = calls.filter((c) => c.status >= 400).length;
    const commands = await x3Commands(stack);
    const recordsFailed = Number(run['dead']) + Number(run['retryLater']) + (run['status'] === 'succeeded' ? 0 : 1);
    const recordsPerSecond = CUSTOMERS / seconds;
    const refreshes = tokens.refreshes - tokensBefore.refreshes;
    process.stdout.write(
      `${table([
        ['customers', String(CUSTOMERS)],
        ['X3 clock rate (5-min token lasts, real s)', `${CLOCK_RATE}x (${(300 / CLOCK_RATE).toFixed(1)})`],
        ['initial sync seconds', seconds.toFixed(2)],
        ['initial sync records/s', recordsPerSecond.toFixed(0)],
        ['baseline: direct GraphQL read records/s', direct.toFixed(0)],
        ['sync / direct read', `${((recordsPerSecond / direct) * 100).toFixed(1)} %`],
        ['run status (succeeded, dead, retry later)', `${String(run['status'])} (${String(run['succeeded'])}, ${String(run['dead'])}, ${String(run['retryLater'])})`],
        ['Zoho Accounts', String(accounts.length)],
        ['X3 commands relay -> agent (failed)', `${commands.total} (${commands.failed})`],
        ['X3 HTTP calls agent -> X3 (answered >= 400)', `${calls.length} (${x3Refused})`],
        ['X3 token refreshes (rejections, renewed and retried by the agent)', `${refreshes} (${JSON.stringify(tokens.rejected)})`],
      ])}\n`,
    );
    if (accounts.length !== CUSTOMERS) throw new Error(`${accounts.length} Accounts in Zoho, expected ${CUSTOMERS}`);
    process.stdout.write(`${JSON.stringify({ bench: 'x3', customers: CUSTOMERS, initial_records_s: Math.round(recordsPerSecond), token_refreshes: refreshes, failed_requests: commands.failed + recordsFailed })}\n`);
  } finally {
    await stack.stop().catch(() => undefined);
    killAll();
    await stopSuiteDatabase();
  }
}

/**
 * The sync's X3 requests as the relay counts them (mlc_tunnel_commands_total): a request failed when
 * its command came back with an error. A 401 the agent absorbed (renew, run once more) is not one.
 */
async function x3Commands(stack: X3SyncStack): Promise<{ total: number; failed: number }> {
  const response = await fetch(`${stack.relay.httpUrl}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  let total = 0;
  let failed = 0;
  for (const match of (await response.text()).matchAll(/^mlc_tunnel_commands_total\{([^}]*)\} (\d+)/gm)) {
    const labels = match[1] ?? '';
    if (!labels.includes('kind="x3_graphql"')) continue;
    total += Number(match[2]);
    if (!labels.includes('outcome="ok"')) failed += Number(match[2]);
  }
  return { total, failed };
}

/** Every customer read straight from the simulator, 1,000 a page, with a connected-app JWT signed here. */
async function directRead(url: string): Promise<number> {
  const started = performance.now();
  let after: string | null = null;
  let read = 0;
  for (;;) {
    const response = await fetch(`${url}/xtrem/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt(`${url}/xtrem/api`)}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($after: String) { sage { x3BusinessPartners { customer(first: 1000, after: $after) { edges { node { code companyName country currency creditLimit isActive updateDateTime } } pageInfo { endCursor hasNextPage } } } } }',
        variables: { after },
      }),
    });
    const page = (await response.json()) as { data: { sage: { x3BusinessPartners: { customer: { edges: unknown[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } } } };
    const connection = page.data.sage.x3BusinessPartners.customer;
    read += connection.edges.length;
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  if (read !== CUSTOMERS) throw new Error(`the direct read found ${read} customers`);
  return read / ((performance.now() - started) / 1000);
}

function jwt(audience: string): string {
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const iat = Math.floor(Date.now() / 1000) - 5;
  const body = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iss: X3_APP.clientId, sub: X3_APP.user, aud: audience, iat, exp: iat + 300 })}`;
  return `${body}.${createHmac('sha256', X3_APP.secret).update(body).digest('base64url')}`;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
