import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import { useSapExecutor } from './commands/command-handlers.js';
import type { AgentConfig, TransportMode } from './config/agent-config.js';
import type { SapExecutor } from './sap/sap-executor.js';
import { TunnelClient } from './tunnel/tunnel-client.js';
import { AGENT_VERSION } from './version.js';

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
}

/**
 * The `mlc-agent run` process: keeps the tunnel up; SIGTERM/SIGINT drain in-flight commands,
 * with a forced exit as the backstop (n8n task runner's pattern).
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const drainGraceMs = options.drainGraceMs ?? Number(process.env['MLC_DRAIN_GRACE_MS'] ?? 25_000);
  useSapExecutor(options.sap);
  if (options.sap) await options.sap.check(options.log);
  // The relay learns each profile's name and kind, never its connection or password.
  const profiles = options.config.profiles.map(({ name, kind }) => ({ name, kind }));
  const client = new TunnelClient({
    config: options.config,
    identity: { agentId: options.config.agentId, privateKey: options.privateKey, version: AGENT_VERSION, profiles },
    transport: options.transport,
    ca: options.ca,
    log: options.log,
  });
  const shutdown = (signal: string): void => {
    options.log.info({ signal, inFlight: client.inFlight }, 'stopping: draining in-flight commands');
    setTimeout(() => {
      options.log.error({ inFlight: client.inFlight }, 'drain took too long; exiting anyway');
      process.exit(1);
    }, drainGraceMs + 5_000).unref();
    void client.stop(`agent received ${signal}`, drainGraceMs);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  options.log.info({ relay: options.config.relay.httpUrl, transport: options.transport, version: AGENT_VERSION }, 'agent starting');
  const code = await client.run();
  options.log.info({ code }, 'agent stopped');
  return code;
}
