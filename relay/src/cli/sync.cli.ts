import { Module, type INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DomainError } from '../common/domain-error.js';
import { FlowAvailability } from '../sync/flow-availability.js';
import { SyncFlowsRepository } from '../sync/sync-flows.repository.js';
import { SyncRecordsRepository } from '../sync/sync-records.repository.js';
import { SYNC_KICK, SyncService } from '../sync/sync.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { parseDuration } from './duration.js';

type WithCore = (work: (core: INestApplicationContext) => Promise<void>) => Promise<void>;
type Print = (json: boolean | undefined, value: unknown, text: string) => void;

/**
 * Flows and records from the command line: the same SyncService the API uses. The CLI does not run
 * flows itself: it marks them due, and a running relay's scheduler (which looks every second) runs them.
 */
@Module({
  // The database comes from the (global) RelayCoreModule the CLI module imports.
  providers: [SyncFlowsRepository, SyncRecordsRepository, FlowAvailability, SyncService, { provide: SYNC_KICK, useValue: { kick: () => undefined } }],
})
export class SyncCliModule {}

export function addSyncCommands(program: Command, withCore: WithCore, print: Print): void {
  const tenantOf = async (core: INestApplicationContext, tenant: string): Promise<string> => (await core.get(TenantsService).resolve(tenant)).id;

  const flows = program.command('flows').description('list, enable, configure and run sync flows');
  flows.command('list').requiredOption('--tenant <tenant>', 'tenant id or name').option('--json', 'print JSON')
    .action((options: { tenant: string; json?: boolean }) => withCore(async (core) => {
      const list = await core.get(SyncService).listFlows(await tenantOf(core, options.tenant));
      const lines = list.map((f) => `${f.key.padEnd(32)} ${f.enabled ? 'enabled ' : 'disabled'} every ${Math.round(f.scheduleMs / 1000)} s  last run ${f.lastRun ? `${f.lastRun.status} at ${f.lastRun.startedAt.toISOString()}` : 'never'}  dead ${f.records.dead ?? 0}`);
      print(options.json, list, lines.join('\n'));
    }));
  flows.command('enable <flow>').description('enable a flow (optionally with a mapping config file and a schedule); it runs at once')
    .requiredOption('--tenant <tenant>', 'tenant id or name').option('--config-file <file>', 'mapping config (JSON)').option('--every <duration>', 'schedule, e.g. 15m or 1h').option('--json', 'print JSON')
    .action((flow: string, options: { tenant: string; configFile?: string; every?: string; json?: boolean }) => withCore(async (core) => {
      const config = options.configFile ? await readConfig(options.configFile) : undefined;
      const view = await core.get(SyncService).updateFlow(await tenantOf(core, options.tenant), flow, { enabled: true, config, scheduleMs: options.every ? parseDuration(options.every, '--every') : undefined });
      print(options.json, view, `${view.key} enabled, every ${Math.round(view.scheduleMs / 1000)} s`);
    }));
  flows.command('disable <flow>').requiredOption('--tenant <tenant>', 'tenant id or name')
    .action((flow: string, options: { tenant: string }) => withCore(async (core) => {
      const view = await core.get(SyncService).updateFlow(await tenantOf(core, options.tenant), flow, { enabled: false });
      print(false, view, `${view.key} disabled`);
    }));
  flows.command('run <flow>').description('run a flow now (on whichever relay looks first)').requiredOption('--tenant <tenant>', 'tenant id or name')
    .action((flow: string, options: { tenant: string }) => withCore(async (core) => {
      await core.get(SyncService).runNow(await tenantOf(core, options.tenant), flow);
      print(false, {}, `${flow}: run requested`);
    }));

  const records = program.command('records').description('find synced and failed records, and replay failed ones');
  records.command('list').requiredOption('--tenant <tenant>', 'tenant id or name').option('--status <status>', 'synced, pending, writing or dead')
    .option('--flow <flow>', 'only this flow').option('--query <key>', 'SAP or Zoho key (or part of it)').option('--json', 'print JSON')
    .action((options: { tenant: string; status?: string; flow?: string; query?: string; json?: boolean }) => withCore(async (core) => {
      const list = await core.get(SyncService).searchRecords(await tenantOf(core, options.tenant), { status: options.status, flow: options.flow, query: options.query, limit: 500 });
      const lines = list.map((r) => `${r.id}  ${r.flowKey.padEnd(32)} ${r.status.padEnd(8)} SAP ${r.sapKey ?? '-'}  Zoho ${r.zohoId ?? '-'}${r.deadReason ? `  ${r.deadReason}` : ''}`);
      print(options.json, list, lines.join('\n') || '(no records)');
    }));
  records.command('replay [record]').description('replay one failed record, or --all failed records (of --flow)')
    .requiredOption('--tenant <tenant>', 'tenant id or name').option('--all', 'every failed record').option('--flow <flow>', 'with --all: only this flow').option('--json', 'print JSON')
    .action((record: string | undefined, options: { tenant: string; all?: boolean; flow?: string; json?: boolean }) => withCore(async (core) => {
      if (!record && !options.all) throw new DomainError('INVALID_INPUT', 'name a record id, or give --all', { field: 'record' });
      const tenantId = await tenantOf(core, options.tenant);
      const result = record ? await core.get(SyncService).replay(tenantId, record) : await core.get(SyncService).replayAll(tenantId, options.flow);
      print(options.json, result, `${result.replayed} record(s) queued for replay`);
    }));
}

async function readConfig(file: string): Promise<Record<string, unknown>> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new DomainError('INVALID_INPUT', `cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`, { field: 'config-file' });
  });
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new DomainError('INVALID_INPUT', `${file} is not JSON: ${err instanceof Error ? err.message : String(err)}`, { field: 'config-file' });
  }
}
