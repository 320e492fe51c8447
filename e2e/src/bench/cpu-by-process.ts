import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) per group of processes, from /proc (Linux); empty elsewhere. */
export type CpuSeconds = Map<string, number>;

const TICKS_PER_SECOND = 100;

/**
 * Where the CPU went, by process kind: the relay, the agent, sim-sap-ecc, PostgreSQL (every backend and
 * the postmaster) and this process (the harness and, in the sync bench, sim-zoho). Each process's kind
 * comes from its command line.
 */
export function cpuByProcess(): CpuSeconds {
  const totals: CpuSeconds = new Map();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return totals;
  }
  for (const pid of pids) {
    try {
      const kind = kindOf(Number(pid), readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      if (!kind) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      totals.set(kind, (totals.get(kind) ?? 0) + ticks / TICKS_PER_SECOND);
    } catch {
      // The process ended between listing and reading.
    }
  }
  return totals;
}

/** CPU seconds spent by each kind between two samples, largest first. */
export function cpuSpent(before: CpuSeconds, after: CpuSeconds): Array<[string, number]> {
  return [...after].map(([kind, seconds]): [string, number] => [kind, seconds - (before.get(kind) ?? 0)]).sort((a, b) => b[1] - a[1]);
}

function kindOf(pid: number, cmdline: string): string | undefined {
  if (pid === process.pid) return 'bench (harness, in-process simulators)';
  if (cmdline.startsWith('postgres:') || cmdline.includes('/bin/postgres\0')) return 'postgresql';
  if (cmdline.includes('/relay/dist/')) return 'relay';
  if (cmdline.includes('/agent/dist/')) return 'agent';
  if (cmdline.includes('sim-sap-ecc')) return 'sim-sap-ecc';
  if (cmdline.includes('sim-sage-x3')) return 'sim-sage-x3';
  return undefined;
}
