import { AGENT_NODE_FLAGS } from '@mlc/agent';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogLines, message } from './log-lines.js';
import { freePort } from './ports.js';
import { suiteDatabaseUrl } from './suite-database.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const RELAY_CLI = join(REPO, 'relay/dist/cli/relay.cli.js');
export const AGENT_CLI = join(REPO, 'agent/dist/cli/agent.cli.js');

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

const running = new Set<ChildProcess>();
const startedInTest: Array<{ name: string; logs: LogLines; stderr: LogLines; child: ChildProcess }> = [];

/** Kills whatever a failed test left behind. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** The tail of every process the current test started, for a failure report. */
export function takeProcessTails(lines = 25): string {
  const report = startedInTest.map((p) => `--- ${p.name} exit=${p.child.exitCode} signal=${p.child.signalCode} (stdout)\n${p.logs.raw.slice(-lines).join('\n')}\n--- ${p.name} (stderr)\n${p.stderr.raw.slice(-lines).join('\n')}`).join('\n');
  startedInTest.length = 0;
  return report;
}

/**
 * With E2E_LOG_DIR set, every process's whole output also goes to a file there (one per process),
 * for a failure that the last lines of the report do not explain.
 */
function keepOutput(child: ChildProcess, name: string): void {
  const dir = process.env['E2E_LOG_DIR'];
  if (!dir) return;
  const file = createWriteStream(join(dir, `${name.replace(/[^\w.-]+/g, '_')}-${child.pid}.log`));
  child.stdout?.pipe(file, { end: false });
  child.stderr?.pipe(file, { end: false });
  child.once('exit', () => setTimeout(() => file.end(), 100));
}

class ManagedProcess {
  readonly logs = new LogLines();
  readonly stderr = new LogLines();
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly child: ChildProcess,
    name: string,
  ) {
    running.add(child);
    startedInTest.push({ name: `${name} pid ${child.pid}`, logs: this.logs, stderr: this.stderr, child });
    if (child.stdout) this.logs.attach(child.stdout);
    if (child.stderr) this.stderr.attach(child.stderr);
    keepOutput(child, name);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
      }),
    );
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), 8_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface RelayOptions {
  httpPort?: number;
  grpcPort?: number;
  env?: Record<string, string>;
}

export class RelayProcess extends ManagedProcess {
  constructor(
    child: ChildProcess,
    readonly httpPort: number,
    readonly grpcPort: number,
  ) {
    super(child, `relay :${httpPort}`);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  /** Calls the relay's admin API with the suite's admin token. */
  async admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${this.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
}

export async function startRelay(options: RelayOptions = {}): Promise<RelayProcess> {
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const child = spawn(process.execPath, [RELAY_CLI, 'serve'], {
    env: {
      ...process.env,
      DATABASE_URL: suiteDatabaseUrl(),
      RELAY_HTTP_PORT: String(httpPort),
      RELAY_GRPC_PORT: String(grpcPort),
      RELAY_ADMIN_TOKEN: ADMIN_TOKEN,
      RELAY_HEARTBEAT_INTERVAL_MS: '500',
      RELAY_HEARTBEAT_TIMEOUT_MS: '2000',
      RELAY_REPLICA_STALE_MS: '3000',
      LOG_LEVEL: 'debug',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const relay = new RelayProcess(child, httpPort, grpcPort);
  await Promise.race([
    relay.logs.waitFor(message('relay ready'), 30_000, 'relay ready'),
    relay.exited.then(({ code }) => {
      throw new Error(`relay exited with ${code} before it was ready:\n${relay.stderr.raw.join('\n')}\n${relay.logs.raw.slice(-10).join('\n')}`);
    }),
  ]);
  return relay;
}

export class AgentProcess extends ManagedProcess {
  constructor(
    child: ChildProcess,
    readonly home: string,
  ) {
    super(child, `agent ${home}`);
  }
}

export interface EnrolledAgent {
  home: string;
  agentId: string;
}

/** Runs `mlc-agent enroll` and returns where its config and key went. */
export async function enrollAgent(relay: RelayProcess, token: string, options: { name?: string; transport?: string; extraArgs?: string[] } = {}): Promise<EnrolledAgent> {
  const home = await mkdtemp(join(tmpdir(), 'mlc-e2e-agent-'));
  const result = await runCli(AGENT_CLI, ['enroll', '--relay', relay.httpUrl, '--token', token, '--home', home, '--name', options.name ?? 'e2e-agent', '--transport', options.transport ?? 'auto', ...(options.extraArgs ?? [])]);
  if (result.code !== 0) throw new Error(`enroll failed (${result.code}): ${result.stderr}`);
  const agentId = /enrolled as agent ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
  if (!agentId) throw new Error(`enroll printed no agent id: ${result.stdout}`);
  return { home, agentId };
}

export function startAgent(home: string, options: { transport?: string; env?: Record<string, string> } = {}): AgentProcess {
  const args = [...AGENT_NODE_FLAGS, AGENT_CLI, 'run', '--home', home, '--log-level', 'debug'];
  if (options.transport) args.push('--transport', options.transport);
  const child = spawn(process.execPath, args, { env: { ...process.env, MLC_DRAIN_GRACE_MS: '5000', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new AgentProcess(child, home);
}

export async function startConnectedAgent(home: string, options: { transport?: string; env?: Record<string, string> } = {}): Promise<AgentProcess> {
  const agent = startAgent(home, options);
  await agent.logs.waitFor(message('connected to the relay'), 20_000, 'agent connected');
  return agent;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
