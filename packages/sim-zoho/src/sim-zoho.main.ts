#!/usr/bin/env node
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DATA_CENTRES, isDataCentre } from './data-centres.js';
import { EDITIONS, isEdition } from './editions.js';
import type { OAuthClient } from './oauth.store.js';
import type { FieldDef, FieldType } from './record-modules.js';
import { parseDuration } from './sim-clock.js';
import { startSimZoho, type SimZohoState } from './sim-zoho.server.js';

function integer(min: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return parsed;
  };
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] = []): T[] => [...previous, parse(value)];
}

function parseClient(value: string): OAuthClient {
  const [clientId, clientSecret, ...redirect] = value.split(':');
  if (!clientId || !clientSecret) throw new InvalidArgumentError('expected CLIENT_ID:CLIENT_SECRET[:REDIRECT_URI]');
  const redirectUri = redirect.join(':');
  return { clientId, clientSecret, redirectUris: redirectUri ? [redirectUri] : [] };
}

function parseCustomField(value: string): { module: string; field: FieldDef } {
  const match = /^([A-Za-z_]+)\.([A-Za-z][A-Za-z0-9_]*)(?::([a-z_]+))?(?::(unique))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected Module.Api_Name[:type][:unique], e.g. Accounts.SAP_Customer_Number:text:unique');
  return { module: match[1], field: { apiName: match[2], type: (match[3] ?? 'text') as FieldType, unique: match[4] === 'unique' } };
}

const program = new Command()
  .name('sim-zoho')
  .description('Simulated Zoho CRM: multi-DC OAuth, CRM v8 records, COQL, watch notifications, editions and limits')
  .option('--port <port>', 'port to listen on (0 picks one)', integer(0), 0)
  .option('--host <host>', 'interface to bind', '127.0.0.1')
  .option('--edition <edition>', `org edition (${EDITIONS.join('|')})`, (value) => {
    if (!isEdition(value)) throw new InvalidArgumentError(`expected one of ${EDITIONS.join(', ')}`);
    return value;
  }, 'enterprise')
  .option('--users <n>', 'licensed users (scales daily credits)', integer(0), 10)
  .option('--credits-per-day <n>', 'override the daily API credit allowance', integer(1))
  .option('--concurrency <n>', 'override the edition concurrency limit', integer(1))
  .option('--latency-ms <ms>', 'how long every API call takes from its arrival, the sim work included', integer(0), 0)
  .option('--drop-rate <rate>', 'probability 0..1 that a notification callback is lost', (value) => {
    const rate = Number(value);
    if (!(rate >= 0 && rate <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1');
    return rate;
  }, 0)
  .option('--auto-approve', 'skip the consent page and redirect straight back with a code', false)
  .option('--max-channel-expiry <duration>', 'longest watch channel expiry (e.g. 1d, 1w)', (value) => {
    try {
      return parseDuration(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }, 86_400_000)
  .option('--org-dc <dc>', `data centre of the org (${DATA_CENTRES.join('|')})`, (value) => {
    if (!isDataCentre(value)) throw new InvalidArgumentError(`expected one of ${DATA_CENTRES.join(', ')}`);
    return value;
  }, 'us')
  .option('--dc-mismatch <code>', 'answer for a token used on another DC (INVALID_TOKEN|INVALID_HOST)', (value) => {
    if (value !== 'INVALID_TOKEN' && value !== 'INVALID_HOST') throw new InvalidArgumentError('expected INVALID_TOKEN or INVALID_HOST');
    return value;
  }, 'INVALID_TOKEN')
  .option('--accept-unknown-fields', 'store fields the org does not define instead of ignoring them', false)
  .option('--client <id:secret[:redirect]>', 'register an OAuth client (repeatable)', collect(parseClient), [])
  .option('--custom-field <Module.Api_Name[:type][:unique]>', 'define a custom field (repeatable)', collect(parseCustomField), [])
  .option('--state-file <file>', 'load records, tokens and channels from FILE if it exists, and save them there on SIGINT/SIGTERM');

program.parse();
const opts = program.opts<{
  port: number; host: string; edition: (typeof EDITIONS)[number]; users: number; creditsPerDay?: number; concurrency?: number;
  latencyMs: number; dropRate: number; autoApprove: boolean; maxChannelExpiry: number; orgDc: (typeof DATA_CENTRES)[number];
  dcMismatch: 'INVALID_TOKEN' | 'INVALID_HOST'; acceptUnknownFields: boolean; client: OAuthClient[];
  customField: { module: string; field: FieldDef }[]; stateFile?: string;
}>();

const sim = await startSimZoho({
  port: opts.port,
  host: opts.host,
  clients: opts.client,
  customFields: opts.customField,
  state: opts.stateFile && existsSync(opts.stateFile) ? (JSON.parse(readFileSync(opts.stateFile, 'utf8')) as SimZohoState) : undefined,
  settings: {
    edition: opts.edition,
    users: opts.users,
    creditsPerDay: opts.creditsPerDay ?? null,
    concurrency: opts.concurrency ?? null,
    latencyMs: opts.latencyMs,
    callbackDropRate: opts.dropRate,
    autoApprove: opts.autoApprove,
    maxChannelExpiryMs: opts.maxChannelExpiry,
    orgDc: opts.orgDc,
    dcMismatchError: opts.dcMismatch,
    acceptUnknownFields: opts.acceptUnknownFields,
  },
});
const dcs = Object.fromEntries(DATA_CENTRES.map((dc) => [dc, sim.dc(dc)]));
console.log(JSON.stringify({ event: 'listening', url: sim.baseUrl(), port: sim.port, admin: `${sim.baseUrl()}/__admin/state`, dcs }));

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  // Backstop in case a callback target never answers.
  setTimeout(() => process.exit(1), 5_000).unref();
  void sim.close().then(() => {
    if (opts.stateFile) writeFileSync(opts.stateFile, JSON.stringify(sim.saveState()));
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
