#!/usr/bin/env node
// First, before anything can start libuv's threadpool: size it for the SAP profiles.
import './threadpool.bootstrap.js';
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { AgentConfigError, TRANSPORT_MODES, agentHome, readAgentConfig, type TransportMode } from '../config/agent-config.js';
import { loadIdentity } from '../config/agent-identity.js';
import { EnrollError, enroll } from '../enroll/enroll.js';
import { AGENT_VERSION } from '../version.js';
import { runDaemon } from '../daemon.js';
import { SapExecutor } from '../sap/sap-executor.js';
import { SecretBox } from '../secrets/secret-box.js';
import { isSageX3Profile, isSapProfile } from '../config/sap-profile.schema.js';
import { X3Executor } from '../x3/x3-executor.js';
import { EXIT_CRITICAL, EXIT_UNKNOWN, formatStatus, statusExitCode } from '../health/agent-status.js';
import { AgentNotRunningError, readAgentStatus } from '../health/status-client.js';
import { statusEndpoint } from '../health/status-endpoint.js';
import { doctorExitCode, formatResults } from '../doctor/doctor-check.js';
import { runDoctor } from '../doctor/doctor.js';

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
    const secrets = config.profiles.length > 0 ? await SecretBox.open(home) : undefined;
    const sapProfiles = config.profiles.filter(isSapProfile);
    const x3Profiles = config.profiles.filter(isSageX3Profile);
    const sap = new SapExecutor(sapProfiles, config.policy, secrets);
    log.info({ uvThreadpoolSize: Number(process.env['UV_THREADPOOL_SIZE'] ?? 4), profiles: sapProfiles.map((p) => p.name) }, 'SAP executor configured');
    const x3 = x3Profiles.length > 0 ? new X3Executor(x3Profiles, config.policy.x3, secrets, home, log) : undefined;
    if (x3) log.info({ profiles: x3.profileNames }, 'Sage X3 executor configured');
    const code = await runDaemon({ config, privateKey, ca, transport: options.transport ?? config.transport, log, sap, x3, home });
    process.exit(code);
  });

program
  .command('secret')
  .description('encrypt a value (an ERP password) for agent.json')
  .command('encrypt')
  .description('read a value from standard input and print it encrypted with this agent\'s key (AES-256-GCM, key in the agent home)')
  .option('--home <dir>', 'config and key directory (default $MLC_AGENT_HOME or ~/.mlc-agent)')
  .action(async (options: { home?: string }) => {
    const value = (await readStdin()).replace(/\r?\n$/, '');
    if (value === '') throw new AgentConfigError('nothing to encrypt: pipe the value in, e.g. `read -rs P; printf %s "$P" | mlc-agent secret encrypt`');
    const box = await SecretBox.open(agentHome(options.home), { create: true });
    process.stdout.write(`${box.encrypt(value)}\n`);
  });

program
  .command('status')
  .description('ask the running agent how it is doing (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
  .option('--home <dir>', 'config and key directory (default $MLC_AGENT_HOME or ~/.mlc-agent)')
  .option('--json', 'print JSON')
  .action(async (options: { home?: string; json?: boolean }) => {
    try {
      const status = await readAgentStatus(statusEndpoint(agentHome(options.home)));
      process.stdout.write(options.json ? `${JSON.stringify(status)}\n` : `${formatStatus(status)}\n`);
      process.exit(statusExitCode(status));
    } catch (err) {
      const message = (err as Error).message;
      process.stdout.write(options.json ? `${JSON.stringify({ running: false, error: message })}\n` : `CRITICAL: ${message}\n`);
      process.exit(err instanceof AgentNotRunningError ? EXIT_CRITICAL : EXIT_UNKNOWN);
    }
  });

program
  .command('doctor')
  .description('check, step by step, that this agent can work: DNS, TCP or proxy, TLS, both tunnels, clock, ERP profiles')
  .option('--home <dir>', 'config and key directory (default $MLC_AGENT_HOME or ~/.mlc-agent)')
  .option('--json', 'print JSON')
  .action(async (options: { home?: string; json?: boolean }) => {
    const home = agentHome(options.home);
    const config = await readAgentConfig(home);
    const privateKey = await loadIdentity(home);
    const ca = config.caFile ? await readCa(config.caFile) : undefined;
    const sapProfiles = config.profiles.filter(isSapProfile);
    const sap = sapProfiles.length > 0 ? new SapExecutor(sapProfiles, config.policy, await SecretBox.open(home)) : undefined;
    const results = await runDoctor({ config, privateKey, ca, sap });
    await sap?.close();
    process.stdout.write(options.json ? `${JSON.stringify({ results })}\n` : `${formatResults(results)}\n`);
    process.exit(doctorExitCode(results));
  });

// From standard input, so the secret never shows in `ps` or the shell history.
async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

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
