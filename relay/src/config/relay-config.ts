import { z } from 'zod';
import { DEFAULT_LIMITS } from '@mlc/tunnel';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadZohoConfig, zohoEnvSchema, type MasterKey, type ZohoConfig } from './zoho-config.js';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().min(10).max(3_600_000);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => v === 'true' || v === '1');

// Every variable the relay reads, in one place (immich's convention): validated at boot, and all
// problems reported together so an operator fixes them in one go.
const envSchema = z.object({
  RELAY_HOST: z.string().min(1).default('127.0.0.1'),
  RELAY_HTTP_PORT: port.default(8080),
  RELAY_GRPC_PORT: port.default(8081),
  RELAY_PUBLIC_GRPC_URL: z.url().optional(),
  RELAY_PUBLIC_WS_URL: z.url().optional(),
  DATABASE_URL: z.url().optional(),
  RELAY_DATA_DIR: z.string().min(1).default('.data/relay'),
  RELAY_EMBEDDED_PG_PORT: port.default(54329),
  RELAY_HEARTBEAT_INTERVAL_MS: positiveMs.default(5_000),
  RELAY_HEARTBEAT_TIMEOUT_MS: positiveMs.default(15_000),
  RELAY_MAX_FRAME_BYTES: z.coerce.number().int().min(64 * 1024).max(64 * 1024 * 1024).default(DEFAULT_LIMITS.maxFrameBytes),
  RELAY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_LIMITS.maxInFlight),
  RELAY_STREAM_WINDOW_BYTES: z.coerce.number().int().min(64 * 1024).default(DEFAULT_LIMITS.streamWindowBytes),
  RELAY_REPLICA_STALE_MS: positiveMs.default(10_000),
  RELAY_JOURNAL_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  RELAY_TLS_CERT_FILE: z.string().optional(),
  RELAY_TLS_KEY_FILE: z.string().optional(),
  RELAY_INSECURE_PLAINTEXT: flag,
  RELAY_ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  RELAY_ADMIN_TOKEN_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).extend(zohoEnvSchema.shape);

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

export interface RelayConfig {
  host: string;
  httpPort: number;
  grpcPort: number;
  publicGrpcUrl: string | undefined;
  publicWsUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  maxFrameBytes: number;
  maxInFlight: number;
  streamWindowBytes: number;
  replicaStaleMs: number;
  /** Journal entries older than this are deleted, except each record's latest. */
  journalRetentionDays: number;
  tls: TlsFiles | undefined;
  /** Bootstrap operator credential for the admin API; none means the admin API is closed. */
  adminToken: string | undefined;
  logLevel: string;
  /** Unset when ZOHO_CLIENT_ID is: the Zoho endpoints then say Zoho is not configured. */
  zoho: ZohoConfig | undefined;
  /** Master keys for secrets stored in the database; the first one encrypts. */
  masterKeys: MasterKey[];
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid relay configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Reads and validates the relay's environment; throws ConfigError naming every bad variable. */
export function loadRelayConfig(env: NodeJS.ProcessEnv = process.env): RelayConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.RELAY_TLS_CERT_FILE) !== Boolean(e.RELAY_TLS_KEY_FILE)) {
    problems.push('RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE: set both or neither');
  }
  if (e.RELAY_HEARTBEAT_TIMEOUT_MS < 2 * e.RELAY_HEARTBEAT_INTERVAL_MS) {
    problems.push('RELAY_HEARTBEAT_TIMEOUT_MS: must be at least twice RELAY_HEARTBEAT_INTERVAL_MS');
  }
  const adminToken = e.RELAY_ADMIN_TOKEN ?? readSecretFile('RELAY_ADMIN_TOKEN_FILE', e.RELAY_ADMIN_TOKEN_FILE, problems);
  const { zoho, masterKeys } = loadZohoConfig(e, problems);
  const tls = readTls(e.RELAY_TLS_CERT_FILE, e.RELAY_TLS_KEY_FILE, problems);
  if (!tls && !LOOPBACK.has(e.RELAY_HOST) && !e.RELAY_INSECURE_PLAINTEXT) {
    problems.push(`RELAY_HOST: ${e.RELAY_HOST} is not loopback, so TLS is required (set RELAY_TLS_CERT_FILE/KEY_FILE, or RELAY_INSECURE_PLAINTEXT=true behind a TLS-terminating proxy)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    host: e.RELAY_HOST,
    httpPort: e.RELAY_HTTP_PORT,
    grpcPort: e.RELAY_GRPC_PORT,
    publicGrpcUrl: e.RELAY_PUBLIC_GRPC_URL,
    publicWsUrl: e.RELAY_PUBLIC_WS_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: resolve(e.RELAY_DATA_DIR),
    embeddedPgPort: e.RELAY_EMBEDDED_PG_PORT,
    heartbeatIntervalMs: e.RELAY_HEARTBEAT_INTERVAL_MS,
    heartbeatTimeoutMs: e.RELAY_HEARTBEAT_TIMEOUT_MS,
    maxFrameBytes: e.RELAY_MAX_FRAME_BYTES,
    maxInFlight: e.RELAY_MAX_IN_FLIGHT,
    streamWindowBytes: e.RELAY_STREAM_WINDOW_BYTES,
    replicaStaleMs: e.RELAY_REPLICA_STALE_MS,
    journalRetentionDays: e.RELAY_JOURNAL_RETENTION_DAYS,
    tls,
    adminToken,
    logLevel: e.LOG_LEVEL,
    zoho,
    masterKeys,
  };
}

function readTls(certFile: string | undefined, keyFile: string | undefined, problems: string[]): TlsFiles | undefined {
  if (!certFile || !keyFile) return undefined;
  try {
    return { cert: readFileSync(certFile), key: readFileSync(keyFile) };
  } catch (err) {
    problems.push(`RELAY_TLS_CERT_FILE/KEY_FILE: cannot read (${(err as Error).message})`);
    return undefined;
  }
}

function readSecretFile(variable: string, file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    const value = readFileSync(file, 'utf8').trim();
    if (value.length < 24) problems.push(`${variable}: the secret in ${file} must be at least 24 characters`);
    return value;
  } catch (err) {
    problems.push(`${variable}: cannot read ${file} (${(err as Error).message})`);
    return undefined;
  }
}
