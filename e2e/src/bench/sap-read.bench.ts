// pnpm bench sap-read: reads 1,000,000 KNA1 rows through relay -> agent -> simulated ECC, and the
// same read straight from the simulator (same read strategy, in this process), in the same run.
// Relay in this process; agent and simulator as real processes.
import { AGENT_NODE_FLAGS } from '@mlc/agent';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnrollmentService, SapCommands, TenantsService, type ReadTableRequest, type RunningRelay } from '@mlc/relay';
import { NodeRfcConnectionPool, TableReadStrategy, loadRfcModule, withConnection } from '@mlc/sap';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { LogLines, message } from '../harness/log-lines.js';
import { AGENT_CLI, runCli } from '../harness/processes.js';
import { addSapProfile } from '../harness/sap-profile.js';
import { rssMb, sampleRss, startBenchRelay, table } from './bench-kit.js';

const ROWS = Number(process.env['SAP_READ_ROWS'] ?? 1_000_000);
const READ: ReadTableRequest = {
  table: 'KNA1', keyFields: ['KUNNR'], fields: ['KUNNR', 'NAME1', 'LAND1', 'ORT01', 'PSTLZ', 'STRAS', 'TELF1', 'ERDAT', 'KTOKD', 'STCEG'],
  alphaFields: ['KUNNR'],
};

const round = (n: number): number => Math.round(n * 10) / 10;

async function main(): Promise<void> {
  const sim = await spawnSimSapEcc(['--customers', String(ROWS), '--max-sessions', '20']);
  const relay = await startBenchRelay();
  let agent: ChildProcess | undefined;
  try {
    const tenantId = (await relay.app.get(TenantsService).create(`bench-sap-${Date.now().toString(36)}`)).id;
    const started = await startSapAgent(relay, tenantId, sim);
    agent = started.child;
    const sap = relay.app.get(SapCommands);
    const tunnelRead = async (maxRows: number): Promise<number> => {
      let rows = 0;
      for await (const batch of sap.readTable(started.agentId, 'ECS-100', { ...READ, maxRows }, { deadlineMs: 600_000, retries: 0 })) rows += batch.length;
      return rows;
    };

    await tunnelRead(20_000); // warm up: connections, the wide-read probe, JIT
    await directRead(sim, 20_000);
    global.gc?.();
    const before = [rssMb(), rssMb(agent.pid ?? 0)];
    const sampler = sampleRss([process.pid, agent.pid ?? 0]);
    let t = performance.now();
    const tunnelRows = await tunnelRead(0);
    const tunnelSeconds = (performance.now() - t) / 1000;
    const peaks = sampler.stop();

    global.gc?.();
    t = performance.now();
    const directRows = await directRead(sim, 0);
    const directSeconds = (performance.now() - t) / 1000;
    if (tunnelRows !== ROWS || directRows !== ROWS) throw new Error(`read ${tunnelRows} rows through the tunnel and ${directRows} directly, expected ${ROWS}`);

    const result = {
      bench: 'sap-read',
      rows: ROWS,
      direct_rows_s: Math.round(directRows / directSeconds),
      tunnel_rows_s: Math.round(tunnelRows / tunnelSeconds),
      peak_rss_mb_relay: round(peaks[0]),
      peak_rss_mb_agent: round(peaks[1]),
    };
    process.stdout.write(
      `${table([
        [`KNA1 rows read (${READ.fields?.length} fields, the agent's default page size)`, String(ROWS)],
        ['direct: simulator -> this process', `${result.direct_rows_s} rows/s (${directSeconds.toFixed(1)} s)`],
        ['tunnel: simulator -> agent -> relay', `${result.tunnel_rows_s} rows/s (${tunnelSeconds.toFixed(1)} s)`],
        ['  tunnel / direct', `${Math.round((result.tunnel_rows_s / result.direct_rows_s) * 100)} %  (target >= 70 %)`],
        ['  peak RSS relay / agent', `${result.peak_rss_mb_relay} / ${result.peak_rss_mb_agent} MB`],
        ['  RSS growth relay / agent', `${round(peaks[0] - before[0])} / ${round(peaks[1] - before[1])} MB  (target < 128)`],
      ])}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    agent?.kill('SIGTERM');
    await relay.close();
    await sim.stop();
  }
}

/** The baseline: the same strategy and page size, over the simulator's client in this process. */
async function directRead(sim: SimProcess, maxRows: number): Promise<number> {
  const pool = new NodeRfcConnectionPool(await loadRfcModule('@mlc/sim-sap-ecc'), { connectionParameters: sim.connectionParameters as Record<string, string>, maxConnections: 1 });
  try {
    return await withConnection(pool, undefined, async (connection) => {
      let rows = 0;
      const pages = new TableReadStrategy().read(connection, { ...READ, fields: READ.fields ?? [], maxRows });
      // Every row is taken (and so converted), as any consumer of the rows would.
      for (let next = await pages.next(); !next.done; next = await pages.next()) for (const _row of next.value.rows()) rows += 1;
      return rows;
    });
  } finally {
    await pool.close();
  }
}

async function startSapAgent(relay: RunningRelay, tenantId: string, sim: SimProcess): Promise<{ agentId: string; child: ChildProcess }> {
  const { token } = await relay.app.get(EnrollmentService).issueToken(tenantId, { ttlMs: 60_000, groupName: 'bench' });
  const home = join(tmpdir(), `mlc-bench-sap-agent-${process.pid}`);
  const enrolled = await runCli(AGENT_CLI, ['enroll', '--relay', `http://127.0.0.1:${relay.httpPort}`, '--token', token, '--home', home, '--transport', 'grpc']);
  const agentId = /enrolled as agent ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1];
  if (!agentId) throw new Error(`enroll failed: ${enrolled.stderr}`);
  await addSapProfile(home, sim, { maxConnections: 5 });
  // Run as the packaged launchers run it, with the agent's Node flags.
  const child = spawn(process.execPath, [...AGENT_NODE_FLAGS, AGENT_CLI, 'run', '--home', home, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const logs = new LogLines();
  if (child.stdout) logs.attach(child.stdout);
  await logs.waitFor(message('connected to the relay'), 20_000, 'agent connected');
  return { agentId, child };
}

main().catch((err: unknown) => {
  process.stderr.write(`sap-read bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
