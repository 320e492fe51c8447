#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { MAX_SESSIONS_LIMIT } from './server/sim-config.js';
import { startSimSapEcc } from './server/sim-sap-ecc.js';
import { CommitJournalError } from './store/commit-journal.js';

function integer(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

function rate(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number from 0 to 1');
  return n;
}

const program = new Command()
  .name('sim-sap-ecc')
  .description('Simulated SAP ECC: RFC (node-rfc compatible client protocol) plus an admin HTTP API')
  .option('--host <host>', 'interface to listen on', '127.0.0.1')
  .option('--port <port>', 'RFC port (0 = any free port)', integer(0, 65535), 3300)
  .option('--admin-port <port>', 'admin HTTP port (0 = any free port)', integer(0, 65535))
  .option('--seed <n>', 'seed for the generated master data', integer(0, 2 ** 31 - 1), 1)
  .option('--customers <n>', 'number of generated customers (KNA1 rows)', integer(0, 5_000_000), 3000)
  .option('--vendors <n>', 'number of generated vendors (LFA1 rows)', integer(0, 1_000_000), 1000)
  .option('--max-sessions <n>', `concurrent RFC sessions (gateway conversations), up to ${MAX_SESSIONS_LIMIT}`, integer(1, MAX_SESSIONS_LIMIT), 10)
  .option('--work-processes <n>', 'dialog work processes; calls beyond wait in the queue (default: --max-sessions)', integer(1, 100))
  .option('--vendor-fm <name>', 'name of the customer RFC that creates/changes vendors', 'Z_MLC_VENDOR_MAINTAIN')
  .option('--no-wide-read', 'the system lacks /BODS/RFC_READ_TABLE2 (calls get FU_NOT_FOUND)')
  .option('--user <name>', 'RFC user', 'MLC_RFC')
  .option('--passwd <password>', 'password of the RFC user', 'Welcome1')
  .option('--client <client>', 'SAP client', '100')
  .option('--sysid <sid>', 'system id', 'ECS')
  .option('--sysnr <nr>', 'system number', '00')
  .option('--latency-ms <ms>', 'latency added to every call', integer(0, 600_000), 0)
  .option('--system-failure-rate <r>', 'share of calls ending in a short dump', rate, 0)
  .option('--communication-failure-rate <r>', 'share of calls whose connection drops', rate, 0)
  .option('--gateway-down', 'start with the gateway down (connections refused)', false)
  .option('--data-dir <dir>', 'keep committed work in DIR so a restart (even after kill -9) has it; default: memory only');

program.parse();
const o = program.opts<{
  host: string; port: number; adminPort?: number; seed: number; customers: number; vendors: number; maxSessions: number; workProcesses?: number;
  vendorFm: string; wideRead: boolean; user: string; passwd: string; client: string; sysid: string; sysnr: string;
  latencyMs: number; systemFailureRate: number; communicationFailureRate: number; gatewayDown: boolean; dataDir?: string;
}>();

const sim = await startSimSapEcc({
  host: o.host, port: o.port, adminPort: o.adminPort, seed: o.seed, customers: o.customers, vendors: o.vendors,
  maxSessions: o.maxSessions, workProcesses: o.workProcesses, vendorFm: o.vendorFm.toUpperCase(), wideRead: o.wideRead, users: { [o.user.toUpperCase()]: o.passwd },
  client: o.client, sysId: o.sysid, sysNr: o.sysnr,
  faults: { latencyMs: o.latencyMs, systemFailureRate: o.systemFailureRate, communicationFailureRate: o.communicationFailureRate, gatewayDown: o.gatewayDown },
  dataDir: o.dataDir,
}).catch((err: unknown) => {
  if (!(err instanceof CommitJournalError)) throw err;
  process.stderr.write(`sim-sap-ecc: ${err.message}\n`);
  process.exit(2);
});

// One JSON line on stdout tells a parent process where to connect.
const ready = { event: 'ready', rfcPort: sim.rfcPort, adminPort: sim.adminPort ?? null, recoveredCommits: sim.database.recoveredCommits };
process.stdout.write(`${JSON.stringify(ready)}\n`);

const shutdown = (): void => {
  const backstop = setTimeout(() => process.exit(1), 3000);
  backstop.unref();
  void sim.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
