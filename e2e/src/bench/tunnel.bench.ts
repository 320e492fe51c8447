// pnpm bench tunnel: latency, throughput, streaming and idle memory of the agent tunnel, against a
// plain gRPC unary call measured in the same run. Relay in this process; agents as real processes.
import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentChannel, EnrollmentService, SessionRegistry, TenantsService, type RunningRelay } from '@mlc/relay';
import { generateAgentKeyPair, type CommandBody } from '@mlc/tunnel';
import { AGENT_CLI, runCli } from '../harness/processes.js';
import { LogLines, message } from '../harness/log-lines.js';
import { freePort } from '../harness/ports.js';
import { cpuSeconds, percentile, rssMb, sampleRss, startBenchRelay, table, timeEach } from './bench-kit.js';

const LATENCY_SAMPLES = 5_000;
const THROUGHPUT_COMMANDS = 100_000;
const IN_FLIGHT = 64;
const STREAM_CHUNK = Number(process.env['BENCH_STREAM_CHUNK'] ?? 256 * 1024);
const STREAM_BYTES = Number(process.env['BENCH_STREAM_MB'] ?? 256) * 1024 * 1024;
const IDLE_AGENTS = Number(process.env['BENCH_IDLE_AGENTS'] ?? 1_000);
const PING: CommandBody = { body: 'ping', ping: {} };
const IDLE_SCRIPT = new URL('./idle-agents.js', import.meta.url).pathname;

const children: ChildProcess[] = [];

async function main(): Promise<void> {
  const relay = await startBenchRelay();
  try {
    const tenantId = (await relay.app.get(TenantsService).create(`bench-${Date.now().toString(36)}`)).id;
    const channel = relay.app.get(AgentChannel);
    const grpcAgent = await startAgentProcess(relay, tenantId, 'grpc');
    const wsAgent = await startAgentProcess(relay, tenantId, 'websocket');

    // BENCH_ONLY=stream (say) runs one phase, for profiling; the JSON then has only what ran.
    const only = process.env['BENCH_ONLY'];
    const phase = <T>(name: string, run: () => Promise<T>, skipped: T): Promise<T> => (!only || only === name ? run() : Promise.resolve(skipped));
    const direct = await phase('latency', () => directGrpcBaseline(), []);
    const tunnelGrpc = await phase('latency', () => latency(() => channel.call(grpcAgent.agentId, PING)), []);
    const tunnelWs = await phase('latency', () => latency(() => channel.call(wsAgent.agentId, PING)), []);
    const opsPerSecond = await phase('throughput', () => throughput(channel, grpcAgent.agentId), Number.NaN);
    const streamAgent = process.env['BENCH_STREAM_TRANSPORT'] === 'websocket' ? wsAgent : grpcAgent;
    const stream = await phase('stream', () => streaming(channel, streamAgent), { mbPerSecond: Number.NaN, relayGrowthMb: Number.NaN, agentGrowthMb: Number.NaN });
    const idle = await phase('idle', () => idleMemory(relay, tenantId), { agents: 0, kbPerAgent: Number.NaN });

    const result = {
      bench: 'tunnel',
      direct_grpc_p50_ms: round(percentile(direct, 50)),
      direct_grpc_p99_ms: round(percentile(direct, 99)),
      tunnel_grpc_p50_ms: round(percentile(tunnelGrpc, 50)),
      tunnel_grpc_p99_ms: round(percentile(tunnelGrpc, 99)),
      tunnel_ws_p50_ms: round(percentile(tunnelWs, 50)),
      tunnel_ws_p99_ms: round(percentile(tunnelWs, 99)),
      tunnel_p50_vs_direct: round(percentile(tunnelGrpc, 50) / percentile(direct, 50)),
      tunnel_grpc_ops_s_64: Math.round(opsPerSecond),
      stream_mb_s: round(stream.mbPerSecond),
      stream_peak_rss_mb: round(Math.max(stream.relayGrowthMb, stream.agentGrowthMb)),
      stream_relay_rss_growth_mb: round(stream.relayGrowthMb),
      stream_agent_rss_growth_mb: round(stream.agentGrowthMb),
      idle_agents: idle.agents,
      idle_kb_per_agent: round(idle.kbPerAgent),
    };
    process.stdout.write(
      `\n${table([
        ['no-op p50 / p99, plain gRPC unary (baseline)', `${result.direct_grpc_p50_ms} / ${result.direct_grpc_p99_ms} ms`],
        ['no-op p50 / p99, tunnel over gRPC', `${result.tunnel_grpc_p50_ms} / ${result.tunnel_grpc_p99_ms} ms  (${result.tunnel_p50_vs_direct}x baseline; target <= 2x)`],
        ['no-op p50 / p99, tunnel over WebSocket', `${result.tunnel_ws_p50_ms} / ${result.tunnel_ws_p99_ms} ms`],
        [`commands/s, ${IN_FLIGHT} in flight (gRPC)`, `${result.tunnel_grpc_ops_s_64}  (target >= 20,000)`],
        [`${STREAM_BYTES / (1024 * 1024)} MB streamed result`, `${result.stream_mb_s} MB/s  (target >= 200)`],
        ['  RSS growth relay / agent', `${result.stream_relay_rss_growth_mb} / ${result.stream_agent_rss_growth_mb} MB  (target < 64)`],
        [`relay memory per idle agent (${idle.agents} agents)`, `${result.idle_kb_per_agent} KB  (target <= 40)`],
      ])}\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await stopChildren();
    await relay.close();
  }
}

/** Agents drain and exit on SIGTERM (so profilers can write); SIGKILL is the backstop. */
async function stopChildren(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

interface BenchAgent {
  agentId: string;
  pid: number;
}

async function startAgentProcess(relay: RunningRelay, tenantId: string, transport: 'grpc' | 'websocket'): Promise<BenchAgent> {
  const { token } = await relay.app.get(EnrollmentService).issueToken(tenantId, { ttlMs: 60_000, groupName: 'bench' });
  const home = join(tmpdir(), `mlc-bench-agent-${transport}-${process.pid}`);
  const enrolled = await runCli(AGENT_CLI, ['enroll', '--relay', `http://127.0.0.1:${relay.httpPort}`, '--token', token, '--home', home, '--transport', transport]);
  const agentId = /enrolled as agent ([0-9a-f-]{36})/.exec(enrolled.stdout)?.[1];
  if (!agentId) throw new Error(`enroll failed: ${enrolled.stderr}`);
  const child = spawn(process.execPath, [AGENT_CLI, 'run', '--home', home, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const logs = new LogLines();
  if (child.stdout) logs.attach(child.stdout);
  await logs.waitFor(message('connected to the relay'), 20_000, `${transport} agent connected`);
  return { agentId, pid: child.pid ?? 0 };
}

async function latency(run: () => Promise<unknown>): Promise<number[]> {
  await timeEach(500, run);
  return timeEach(LATENCY_SAMPLES, run);
}

/** The floor: a unary call to a gRPC server on the same loopback, raw bytes, no work. */
async function directGrpcBaseline(): Promise<number[]> {
  const server = new grpc.Server();
  const passThrough = (b: Buffer): Buffer => b;
  const service = { Ping: { path: '/bench.Baseline/Ping', requestStream: false, responseStream: false, requestSerialize: passThrough, requestDeserialize: passThrough, responseSerialize: passThrough, responseDeserialize: passThrough } };
  server.addService(service as unknown as grpc.ServiceDefinition, { Ping: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)) });
  const requested = await freePort();
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${requested}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (): Promise<void> =>
    new Promise((resolve, reject) => client.makeUnaryRequest('/bench.Baseline/Ping', passThrough, passThrough, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
  try {
    return await latency(call);
  } finally {
    client.close();
    server.forceShutdown();
  }
}

async function throughput(channel: AgentChannel, agentId: string): Promise<number> {
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < THROUGHPUT_COMMANDS) {
      issued += 1;
      await channel.call(agentId, PING);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker)).then(() => (issued = 0));
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return THROUGHPUT_COMMANDS / ((performance.now() - started) / 1000);
}

async function drainStream(channel: AgentChannel, agentId: string, bytes: number): Promise<number> {
  const stream = channel.stream(agentId, { body: 'echo_stream', echo_stream: { chunks: bytes / STREAM_CHUNK, chunk_size: STREAM_CHUNK, delay_ms: 0 } }, { deadlineMs: 300_000 });
  let received = 0;
  for await (const chunk of stream) received += chunk.length;
  return received;
}

async function streaming(channel: AgentChannel, agent: BenchAgent): Promise<{ mbPerSecond: number; relayGrowthMb: number; agentGrowthMb: number }> {
  // Warm up both ends (JIT, socket buffers) as the latency phases do, then measure.
  await drainStream(channel, agent.agentId, 256 * STREAM_CHUNK);
  global.gc?.();
  const before = [rssMb(), rssMb(agent.pid)];
  const sampler = sampleRss([process.pid, agent.pid]);
  const cpuBefore = [cpuSeconds(), cpuSeconds(agent.pid)];
  const started = performance.now();
  const bytes = await drainStream(channel, agent.agentId, STREAM_BYTES);
  const seconds = (performance.now() - started) / 1000;
  const peaks = sampler.stop();
  const cpu = [cpuSeconds() - cpuBefore[0], cpuSeconds(agent.pid) - cpuBefore[1]].map((c) => Math.round((c / seconds) * 100));
  process.stdout.write(`stream: ${seconds.toFixed(2)} s, CPU relay ${cpu[0]}% agent ${cpu[1]}%\n`);
  if (bytes !== STREAM_BYTES) throw new Error(`streamed ${bytes} bytes, expected ${STREAM_BYTES}`);
  return { mbPerSecond: bytes / (1024 * 1024) / seconds, relayGrowthMb: peaks[0] - before[0], agentGrowthMb: peaks[1] - before[1] };
}

async function idleMemory(relay: RunningRelay, tenantId: string): Promise<{ agents: number; kbPerAgent: number }> {
  const enrollment = relay.app.get(EnrollmentService);
  const registry = relay.app.get(SessionRegistry);
  const agents = [];
  for (let i = 0; i < IDLE_AGENTS; i += 1) {
    const keys = generateAgentKeyPair();
    const { token } = await enrollment.issueToken(tenantId, { ttlMs: 60_000, groupName: 'idle' });
    const agent = await enrollment.enroll({ token, publicKeyPem: keys.publicKeyPem, name: `idle-${i}` });
    agents.push({ agentId: agent.id, tenantId, privateKeyPem: keys.privateKeyPem, grpcUrl: `grpc://127.0.0.1:${relay.grpcPort}`, wsUrl: `ws://127.0.0.1:${relay.httpPort}/tunnel/v1/ws` });
  }
  const file = join(tmpdir(), `mlc-bench-idle-${process.pid}.json`);
  await writeFile(file, JSON.stringify(agents));
  const baseSessions = registry.size;
  await settle();
  const before = rssMb();
  const child = spawn(process.execPath, [IDLE_SCRIPT, file, 'grpc'], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const deadline = Date.now() + 120_000;
  while (registry.size < baseSessions + IDLE_AGENTS) {
    if (Date.now() > deadline) throw new Error(`only ${registry.size - baseSessions} of ${IDLE_AGENTS} idle agents connected`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await settle();
  const after = rssMb();
  child.kill('SIGTERM');
  return { agents: IDLE_AGENTS, kbPerAgent: ((after - before) * 1024) / IDLE_AGENTS };
}

/** Lets background work finish and collects garbage, so RSS reads what is actually held. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    global.gc?.();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    for (const child of children) child.kill('SIGKILL');
    process.exit(1);
  },
);
