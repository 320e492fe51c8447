import { z } from 'zod';
import { readFileSync } from 'node:fs';

// The Zoho connection's part of the relay's environment: parsed here, called from loadRelayConfig so
// every problem is still reported in one go.

const REAL_ACCOUNTS_SERVERS = [
  'https://accounts.zoho.com',
  'https://accounts.zoho.eu',
  'https://accounts.zoho.in',
  'https://accounts.zoho.com.au',
  'https://accounts.zoho.jp',
  'https://accounts.zohocloud.ca',
  'https://accounts.zoho.sa',
  'https://accounts.zoho.uk',
  'https://accounts.zoho.com.cn',
];

const HOUR_MS = 3_600_000;
const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const zohoEnvSchema = z.object({
  ZOHO_CLIENT_ID: z.string().min(1).optional(),
  ZOHO_CLIENT_SECRET: z.string().min(1).optional(),
  ZOHO_CLIENT_SECRET_FILE: z.string().optional(),
  ZOHO_REDIRECT_URI: z.url().optional(),
  ZOHO_ACCOUNTS_URL: z.url().default('https://accounts.zoho.com'),
  ZOHO_ACCOUNTS_SERVERS: z.string().optional(),
  ZOHO_WEBHOOK_BASE_URL: z.url().optional(),
  ZOHO_WATCH_MODULES: z.string().default('Accounts'),
  ZOHO_CHANNEL_TTL_MS: ms(60_000, 7 * 24 * HOUR_MS).default(23 * HOUR_MS),
  ZOHO_CHANNEL_RENEW_BEFORE_MS: ms(1_000, 7 * 24 * HOUR_MS).default(6 * HOUR_MS),
  ZOHO_CHANNEL_CHECK_INTERVAL_MS: ms(0, 24 * HOUR_MS).default(15 * 60_000),
  ZOHO_CATCHUP_INTERVAL_MS: ms(0, 24 * HOUR_MS).default(HOUR_MS),
  ZOHO_SCHEDULER_INTERVAL_MS: ms(100, HOUR_MS).default(30_000),
  ZOHO_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1_024).max(1_048_576).default(65_536),
  RELAY_MASTER_KEYS: z.string().optional(),
  RELAY_MASTER_KEYS_FILE: z.string().optional(),
});

export type ZohoEnv = z.infer<typeof zohoEnvSchema>;

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

export interface ZohoConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Where an admin is sent to consent; Zoho redirects back naming the org's own accounts server. */
  readonly accountsUrl: string;
  /** The only accounts servers a code is ever exchanged at (the client secret goes there). */
  readonly accountsServers: readonly string[];
  readonly webhookBaseUrl: string;
  readonly watchModules: readonly string[];
  readonly channelTtlMs: number;
  readonly channelRenewBeforeMs: number;
  readonly channelCheckIntervalMs: number;
  readonly catchupIntervalMs: number;
  readonly schedulerIntervalMs: number;
  readonly webhookMaxBytes: number;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/** `kid1:base64key,kid0:oldkey`: the first key encrypts, all of them decrypt (rotation). */
export function parseMasterKeys(text: string, problems: string[]): MasterKey[] {
  const keys: MasterKey[] = [];
  for (const [at, entry] of text.split(',').map((part) => part.trim()).filter(Boolean).entries()) {
    const [id, encoded, ...rest] = entry.split(':');
    const key = Buffer.from(encoded ?? '', 'base64');
    // Never echo the key material in a problem.
    if (!id || !KEY_ID.test(id) || rest.length > 0) problems.push(`RELAY_MASTER_KEYS: entry ${at + 1} must be KEY_ID:BASE64 with KEY_ID of 1-32 of A-Z a-z 0-9 _ -`);
    else if (key.length !== 32) problems.push(`RELAY_MASTER_KEYS: key "${id}" must be 32 bytes (base64 of 32 random bytes), got ${key.length}`);
    else if (keys.some((other) => other.id === id)) problems.push(`RELAY_MASTER_KEYS: key id "${id}" appears twice`);
    else keys.push({ id, key });
  }
  return keys;
}

export function loadZohoConfig(e: ZohoEnv, problems: string[]): { zoho: ZohoConfig | undefined; masterKeys: MasterKey[] } {
  const keysText = e.RELAY_MASTER_KEYS ?? readText('RELAY_MASTER_KEYS_FILE', e.RELAY_MASTER_KEYS_FILE, problems);
  const masterKeys = keysText ? parseMasterKeys(keysText, problems) : [];
  if (!e.ZOHO_CLIENT_ID) return { zoho: undefined, masterKeys };
  const clientSecret = e.ZOHO_CLIENT_SECRET ?? readText('ZOHO_CLIENT_SECRET_FILE', e.ZOHO_CLIENT_SECRET_FILE, problems);
  if (!clientSecret) problems.push('ZOHO_CLIENT_SECRET (or ZOHO_CLIENT_SECRET_FILE): required with ZOHO_CLIENT_ID');
  if (!e.ZOHO_REDIRECT_URI) problems.push('ZOHO_REDIRECT_URI: required with ZOHO_CLIENT_ID (the relay\'s https://.../v1/zoho/oauth/callback, as registered with Zoho)');
  if (!e.ZOHO_WEBHOOK_BASE_URL) problems.push('ZOHO_WEBHOOK_BASE_URL: required with ZOHO_CLIENT_ID (the relay\'s public base URL Zoho posts notifications to)');
  if (masterKeys.length === 0) problems.push('RELAY_MASTER_KEYS (or RELAY_MASTER_KEYS_FILE): required with ZOHO_CLIENT_ID, to encrypt Zoho refresh tokens');
  if (e.ZOHO_CHANNEL_RENEW_BEFORE_MS >= e.ZOHO_CHANNEL_TTL_MS) problems.push('ZOHO_CHANNEL_RENEW_BEFORE_MS: must be less than ZOHO_CHANNEL_TTL_MS');
  const modules = e.ZOHO_WATCH_MODULES.split(',').map((m) => m.trim()).filter(Boolean);
  if (modules.some((m) => !/^[A-Za-z][A-Za-z0-9_]*$/.test(m))) problems.push('ZOHO_WATCH_MODULES: comma-separated Zoho module API names, e.g. Accounts,Contacts');
  const accountsServers = (e.ZOHO_ACCOUNTS_SERVERS ? e.ZOHO_ACCOUNTS_SERVERS.split(',') : REAL_ACCOUNTS_SERVERS).map((url) => url.trim().replace(/\/+$/, '')).filter(Boolean);
  if (!clientSecret || !e.ZOHO_REDIRECT_URI || !e.ZOHO_WEBHOOK_BASE_URL) return { zoho: undefined, masterKeys };
  return {
    masterKeys,
    zoho: {
      clientId: e.ZOHO_CLIENT_ID,
      clientSecret,
      redirectUri: e.ZOHO_REDIRECT_URI,
      accountsUrl: e.ZOHO_ACCOUNTS_URL.replace(/\/+$/, ''),
      accountsServers,
      webhookBaseUrl: e.ZOHO_WEBHOOK_BASE_URL.replace(/\/+$/, ''),
      watchModules: modules,
      channelTtlMs: e.ZOHO_CHANNEL_TTL_MS,
      channelRenewBeforeMs: e.ZOHO_CHANNEL_RENEW_BEFORE_MS,
      channelCheckIntervalMs: e.ZOHO_CHANNEL_CHECK_INTERVAL_MS,
      catchupIntervalMs: e.ZOHO_CATCHUP_INTERVAL_MS,
      schedulerIntervalMs: e.ZOHO_SCHEDULER_INTERVAL_MS,
      webhookMaxBytes: e.ZOHO_WEBHOOK_MAX_BYTES,
    },
  };
}

function readText(variable: string, file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    problems.push(`${variable}: cannot read ${file} (${(err as Error).message})`);
    return undefined;
  }
}
