import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createLogger } from '../common/logger.js';
import { startEmbedded, type DatabaseHandle } from '../database/embedded-postgres.launcher.js';

let started: Promise<{ handle: DatabaseHandle; dir: string }> | undefined;

/**
 * A real PostgreSQL for integration specs: DATABASE_URL when set, else one embedded server for
 * the whole run, started on first use. Each spec works in its own tenant or its own database.
 */
export async function testDatabaseUrl(): Promise<string> {
  if (process.env['DATABASE_URL']) return process.env['DATABASE_URL'];
  started ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlc-relay-test-pg-'));
    await chmod(dir, 0o755);
    return { handle: await startEmbedded(dir, await freePort(), createLogger('warn')), dir };
  })();
  return (await started).handle.url;
}

export async function stopTestDatabase(): Promise<void> {
  if (!started) return;
  const { handle, dir } = await started;
  started = undefined;
  await handle.close();
  await rm(dir, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
