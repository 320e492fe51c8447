import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { useSapExecutor, useX3Executor } from './commands/command-handlers.js';
import type { AgentConfig, TransportMode } from './config/agent-config.js';
import type { SapExecutor } from './sap/sap-executor.js';
import type { X3Executor } from './x3/x3-executor.js';
import type { ProfileHealth } from './health/agent-status.js';
import { TunnelClient } from './tunnel/tunnel-client.js';
import { AGENT_VERSION } from './version.js';
import { startStatusServer } from './health/status-server.js';
import { statusEndpoint } from './health/status-endpoint.js';
import type { AgentStatus } from './health/agent-status.js';
import { AgentMetrics } from './health/agent-metrics.js';
import { parseMetricsListen, startMetricsServer } from './health/metrics-server.js';

export interface DaemonOptions {
  config: AgentConfig;
  privateKey: KeyObject;
  ca: Buffer | undefined;
  transport: TransportMode;
  log: Logger;
  /** Time in-flight commands get to finish after SIGTERM. */
  drainGraceMs?: number;
  /** Runs the rfc_* commands on the configured SAP profiles. */
  sap?: SapExecutor;
  /** Runs http_request and x3_graphql on the configured Sage X3 profiles. */
  x3?: X3Executor;
  /** The agent home; with it, `mlc-agent status` can ask this process how it is doing. */
  home?: string;
}

/**
 * The `mlc-agent run` process: keeps the tunnel up; SIGTERM/SIGINT drain in-flight commands,
 * with a forced exit as the backstop (n8n task runner's pattern).
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const drainGraceMs = options.drainGraceMs ?? Number(process.env['MLC_DRAIN_GRACE_MS'] ?? 25_000);
  useSapExecutor(options.sap);
  useX3Executor(options.x3);
  if (options.sap) await options.sap.check(options.log);
  const sap = options.sap;
  // The relay learns each profile's name and kind, never its connection or password.
  const profiles = options.config.profiles.map(({ name, kind }) => ({ name, kind }));
  const metrics = new AgentMetrics();
  const client = new TunnelClient({
    config: options.config,
    identity: { agentId: options.config.agentId, privateKey: options.privateKey, version: AGENT_VERSION, profiles },
    transport: options.transport,
    ca: options.ca,
    log: options.log,
    health: sap || options.x3 ? () => profileHealth(options) : undefined,
    healthIntervalMs: Number(process.env['MLC_HEALTH_REPORT_INTERVAL_MS'] ?? 60_000),
    events: metrics,
  });
  metrics.observe({ tunnel: () => client.status, inFlight: () => client.inFlight, rttMs: () => client.rttMs, rfcPools: () => sap?.poolStatus() ?? [] });
  const metricsAddress = options.config.metricsListen ? parseMetricsListen(options.config.metricsListen) : undefined;
  const metricsServer = metricsAddress ? (await startMetricsServer(metricsAddress, metrics.registry, options.log)).server : undefined;
  const shutdown = (signal: string): void => {
    options.log.info({ signal, inFlight: client.inFlight }, 'stopping: draining in-flight commands');
    setTimeout(() => {
      options.log.error({ inFlight: client.inFlight }, 'drain took too long; exiting anyway');
      process.exit(1);
    }, drainGraceMs + 5_000).unref();
    void client.stop(`agent received ${signal}`, drainGraceMs);
  };
  const statusServer = options.home ? await startStatusServer(statusEndpoint(options.home), () => snapshotStatus(client, options), options.log) : undefined;
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  options.log.info({ relay: options.config.relay.httpUrl, transport: options.transport, version: AGENT_VERSION }, 'agent starting');
  const code = await client.run();
  statusServer?.close();
  metricsServer?.close();
  options.log.info({ code }, 'agent stopped');
  return code;
}

const STARTED_AT = Date.now();

/** How old a profile probe may be before status or a health report runs a new one. */
function healthMaxAgeMs(): number {
  return Number(process.env['MLC_PROFILE_HEALTH_MAX_AGE_MS'] ?? 30_000);
}

/** Every ERP profile's health, SAP and Sage X3 alike. */
async function profileHealth(options: DaemonOptions): Promise<ProfileHealth[]> {
  const [sap, x3] = await Promise.all([options.sap?.health(healthMaxAgeMs()) ?? [], options.x3?.health(healthMaxAgeMs()) ?? []]);
  return [...sap, ...x3];
}

async function snapshotStatus(client: TunnelClient, options: DaemonOptions): Promise<AgentStatus> {
  const { status } = client;
  return {
    agentId: options.config.agentId,
    version: AGENT_VERSION,
    pid: process.pid,
    uptimeSeconds: Math.round((Date.now() - STARTED_AT) / 1000),
    relay: {
      state: status.state,
      url: status.relayUrl,
      transport: status.transport === 'TRANSPORT_GRPC' ? 'grpc' : status.transport === 'TRANSPORT_WEBSOCKET' ? 'websocket' : undefined,
      proxy: status.proxy,
      connectedSince: status.connectedSince ? new Date(status.connectedSince).toISOString() : undefined,
      latencyMs: client.rttMs,
    },
    commandsInFlight: client.inFlight,
    recentErrors: client.recentErrors.list(),
    profiles: await profileHealth(options),
  };
}
