#!/usr/bin/env node
import 'reflect-metadata';
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { AgentsService } from '../agents/agents.service.js';
import { EnrollmentService } from '../agents/enrollment.service.js';
import { DomainError } from '../common/domain-error.js';
import { createLogger } from '../common/logger.js';
import { ConfigError, loadRelayConfig } from '../config/relay-config.js';
import { openRelayContext, startRelay } from '../relay-app.js';
import { RelayCoreModule, type RelayContext } from '../relay.modules.js';
import { Module, type DynamicModule } from '@nestjs/common';
import { TenantsService } from '../tenants/tenants.service.js';
import { ConsoleAuthService } from '../console/console-auth.service.js';
import { ConsoleModule } from '../console/console.module.js';
import type { Role } from '../console/console.repository.js';
import { parseDuration } from './duration.js';
import { addSyncCommands, SyncCliModule } from './sync.cli.js';

const program = new Command('mlc-relay').description('ml-connector relay: serve the tunnel and manage tenants and agents').showHelpAfterError();

program
  .command('serve')
  .description('run the relay (HTTP API, gRPC and WebSocket tunnels)')
  .action(async () => {
    const config = loadRelayConfig();
    const relay = await startRelay(config);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      relay.logger.info({ signal }, 'relay stopping');
      // Backstop: a stuck shutdown must not keep the process (and its port) alive.
      setTimeout(() => process.exit(1), 10_000).unref();
      relay.close().then(
        () => process.exit(0),
        (err: unknown) => {
          relay.logger.error({ err }, 'relay did not stop cleanly');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

const tenant = program.command('tenant').description('manage tenants');
tenant
  .command('create <name>')
  .description('create a tenant')
  .option('--json', 'print JSON')
  .action((name: string, options: { json?: boolean }) =>
    withCore(async (core) => {
      const created = await core.get(TenantsService).create(name);
      print(options.json, { id: created.id, name: created.name }, `tenant ${created.name} created: ${created.id}`);
    }),
  );
tenant
  .command('list')
  .option('--json', 'print JSON')
  .action((options: { json?: boolean }) =>
    withCore(async (core) => {
      const tenants = await core.get(TenantsService).list();
      print(options.json, tenants.map((t) => ({ id: t.id, name: t.name })), tenants.map((t) => `${t.id}  ${t.name}`).join('\n') || '(no tenants)');
    }),
  );

program
  .command('enrollment-token')
  .description('manage enrollment tokens')
  .command('create')
  .description('create a single-use token an agent enrolls with')
  .requiredOption('--tenant <tenant>', 'tenant id or name')
  .option('--group <group>', 'site group the agent joins (agents beside the same ERP)', 'default')
  .option('--ttl <duration>', 'lifetime, e.g. 30m, 1h, 2d', '1h')
  .option('--json', 'print JSON')
  .action((options: { tenant: string; group: string; ttl: string; json?: boolean }) =>
    withCore(async (core) => {
      const owner = await core.get(TenantsService).resolve(options.tenant);
      const issued = await core.get(EnrollmentService).issueToken(owner.id, { ttlMs: parseDuration(options.ttl, '--ttl'), groupName: options.group });
      print(
        options.json,
        { token: issued.token, tenant_id: issued.tenantId, group: issued.groupName, expires_at: issued.expiresAt.toISOString() },
        `${issued.token}\n(single use, tenant ${owner.name}, group ${issued.groupName}, expires ${issued.expiresAt.toISOString()})`,
      );
    }),
  );

const agents = program.command('agents').description('list and revoke agents');
agents
  .command('list')
  .option('--tenant <tenant>', 'only this tenant (id or name)')
  .option('--json', 'print JSON')
  .action((options: { tenant?: string; json?: boolean }) =>
    withCore(async (core, staleMs) => {
      const tenantId = options.tenant ? (await core.get(TenantsService).resolve(options.tenant)).id : undefined;
      const list = await core.get(AgentsService).list(tenantId, staleMs);
      const lines = list.map((a) => `${a.id}  ${a.name.padEnd(20)} ${a.groupName.padEnd(12)} ${a.revokedAt ? 'revoked' : a.online ? `online/${a.transport}` : 'offline'}  ${a.version ?? '-'}  last seen ${a.lastSeenAt?.toISOString() ?? 'never'}`);
      print(options.json, list, lines.join('\n') || '(no agents)');
    }),
  );
agents
  .command('revoke <agentId>')
  .description('revoke an agent: its live session closes and it can never connect again')
  .option('--json', 'print JSON')
  .action((agentId: string, options: { json?: boolean }) =>
    withCore(async (core) => {
      const agent = await core.get(AgentsService).revoke(agentId);
      print(options.json, { id: agent.id, revoked_at: agent.revokedAt?.toISOString() }, `agent ${agent.id} revoked`);
    }),
  );

const user = program.command('user').description('manage admin console users');
user
  .command('create <email>')
  .description('create a console user; the password is read from MLC_PASSWORD or --password-file')
  .option('--password-file <file>', 'file holding the password (at least 12 characters)')
  .option('--tenant <tenant>', 'also make the user a member of this tenant (id or name)')
  .addOption(new Option('--role <role>', 'role in --tenant').choices(['owner', 'operator', 'viewer']).default('viewer'))
  .action((email: string, options: { passwordFile?: string; tenant?: string; role: Role }) =>
    withCore(async (core) => {
      const password = await readPassword(options.passwordFile);
      const auth = core.get(ConsoleAuthService);
      await auth.createUser(email, password);
      if (options.tenant) await auth.grant(email, (await core.get(TenantsService).resolve(options.tenant)).id, options.role);
      print(false, {}, `user ${email} created${options.tenant ? ` (${options.role} of ${options.tenant})` : ''}`);
    }),
  );
user
  .command('grant <email>')
  .description('give a user a role in a tenant (replaces the role they had there)')
  .requiredOption('--tenant <tenant>', 'tenant id or name')
  .addOption(new Option('--role <role>', 'role').choices(['owner', 'operator', 'viewer']).makeOptionMandatory())
  .action((email: string, options: { tenant: string; role: Role }) =>
    withCore(async (core) => {
      await core.get(ConsoleAuthService).grant(email, (await core.get(TenantsService).resolve(options.tenant)).id, options.role);
      print(false, {}, `${email} is now ${options.role} of ${options.tenant}`);
    }),
  );

addSyncCommands(program, (work) => withCore((core) => work(core)), (json, value, text) => print(json, value, text));

async function readPassword(file: string | undefined): Promise<string> {
  if (file) return (await readFile(file, 'utf8')).trim();
  const fromEnv = process.env['MLC_PASSWORD'];
  if (!fromEnv) throw new DomainError('INVALID_INPUT', 'give the password in MLC_PASSWORD or with --password-file (never on the command line)', { field: 'password' });
  return fromEnv;
}

async function withCore(work: (core: INestApplicationContext, replicaStaleMs: number) => Promise<void>): Promise<void> {
  const config = loadRelayConfig();
  const logger = createLogger(process.env['LOG_LEVEL'] ?? 'warn');
  const { context, database } = await openRelayContext(config, logger);
  const core = await NestFactory.createApplicationContext(CliModule.forContext(context), { logger: ['error'] });
  try {
    await work(core, config.replicaStaleMs);
  } finally {
    await core.close();
    if (context.dataSource.isInitialized) await context.dataSource.destroy();
    await database.close();
  }
}

/** What CLI commands need: the core services and the console's user management. */
@Module({})
class CliModule {
  static forContext(context: RelayContext): DynamicModule {
    return { module: CliModule, imports: [RelayCoreModule.forContext(context), ConsoleModule, SyncCliModule] };
  }
}

function print(json: boolean | undefined, value: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${text}\n`);
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DomainError) {
    process.stderr.write(`mlc-relay: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`mlc-relay: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
