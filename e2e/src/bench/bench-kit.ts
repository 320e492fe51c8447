import { chmod, mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadRelayConfig, startRelay, type RunningRelay } from '@mlc/relay';
import { freePort } from '../harness/ports.js';

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function timeEach(count: number, run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/** Resident set of a process in MB, from /proc (Linux). */
export function rssMb(pid: number = process.pid): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
  return kb / 1024;
}

/** Samples RSS of some processes until stopped; returns the peaks. */
export function sampleRss(pids: number[], intervalMs = 25): { stop(): number[] } {
  const peaks = pids.map((pid) => rssMb(pid));
  const timer = setInterval(() => pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i], rssMb(pid)))), intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peaks;
    },
  };
}

/** A relay in this process, on its own embedded PostgreSQL (or DATABASE_URL), quiet. */
export async function startBenchRelay(env: Record<string, string> = {}): Promise<RunningRelay> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mlc-bench-'));
  await chmod(dataDir, 0o755);
  const config = loadRelayConfig({
    ...(process.env['DATABASE_URL'] ? { DATABASE_URL: process.env['DATABASE_URL'] } : {}),
    RELAY_DATA_DIR: dataDir,
    RELAY_EMBEDDED_PG_PORT: String(await freePort()),
    RELAY_HTTP_PORT: String(await freePort()),
    RELAY_GRPC_PORT: String(await freePort()),
    RELAY_MAX_IN_FLIGHT: '4096',
    LOG_LEVEL: 'warn',
    ...env,
  });
  return startRelay(config, createLogger('warn'));
}

export function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid: number = process.pid): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat (1-based), in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
