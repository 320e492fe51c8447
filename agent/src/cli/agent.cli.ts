#!/usr/bin/env node
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { AgentConfigError, TRANSPORT_MODES, agentHome, readAgentConfig, type TransportMode } from '../config/agent-config.js';
import { loadIdentity } from '../config/agent-identity.js';
import { EnrollError, enroll } from '../enroll/enroll.js';
import { AGENT_VERSION } from '../version.js';
import { runDaemon } from '../daemon.js';

const program = new Command('mlc-agent').description('ml-connector agent: runs beside SAP ECC or Sage X3 and dials out to the relay').version(AGENT_VERSION).showHelpAfterError();
const transportOption = (): Option => new Option('--transport <mode>', 'how to reach the relay').choices(TRANSPORT_MODES);

program
  .command('enroll')
  .description('create this agent\'s key pair and register it with the relay using a one-time token')
  .requiredOption('--relay <url>', 'relay URL, e.g. https://relay.example.com')
  .requiredOption('--token <token>', 'enrollment token from `mlc-relay enrollment-token create`')
  .option('--name <name>', 'name shown to operators', hostname())
  .option('--tenant <id>', 'tenant id the token must belong to')
  .option('--home <dir>', 'config and key directory (default $MLC_AGENT_HOME or ~/.mlc-agent)')
  .option('--ca <file>', 'PEM file of a CA to trust for the relay')
  .addOption(transportOption().default('auto'))
  .action(async (options: { relay: string; token: string; name: string; tenant?: string; home?: string; ca?: string; transport: TransportMode }) => {
    const ca = options.ca ? await readCa(options.ca) : undefined;
    const config = await enroll({ relayUrl: options.relay, token: options.token, name: options.name, tenantId: options.tenant, home: options.home, transport: options.transport, caFile: options.ca, ca });
    process.stdout.write(`enrolled as agent ${config.agentId} (tenant ${config.tenantId}, group ${config.group})\nconfig and key in ${agentHome(options.home)}\n`);
  });

program
  .command('run')
  .description('connect to the relay and serve commands until stopped (SIGTERM drains)')
  .option('--home <dir>', 'config and key directory')
  .addOption(transportOption())
  .option('--log-level <level>', 'fatal, error, warn, info, debug', process.env['LOG_LEVEL'] ?? 'info')
  .action(async (options: { home?: string; transport?: TransportMode; logLevel: string }) => {
    const home = agentHome(options.home);
    const config = await readAgentConfig(home);
    const privateKey = await loadIdentity(home);
    const ca = config.caFile ? await readCa(config.caFile) : undefined;
    const log = pino({ level: options.logLevel, base: { svc: 'agent', agent: config.agentId } });
    const code = await runDaemon({ config, privateKey, ca, transport: options.transport ?? config.transport, log });
    process.exit(code);
  });

async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new AgentConfigError(`cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof AgentConfigError || err instanceof EnrollError) {
    process.stderr.write(`mlc-agent: ${err.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`mlc-agent: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
