import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * node-rfc runs every RFC call on libuv's threadpool, which has 4 threads unless
 * UV_THREADPOOL_SIZE says otherwise (node-rfc #232) — so 4 calls at a time, whatever the pools
 * allow. libuv reads the variable once, when the pool first starts, so this module must be the
 * CLI's first import and may use only synchronous I/O: it sizes the pool from agent.json's SAP
 * profiles (their connection caps, plus the default 4 for everything else).
 */
const LIBUV_DEFAULT = 4;
const LIBUV_MAX = 1024;
const DEFAULT_MAX_CONNECTIONS = 10;

function configuredRfcConnections(argv: string[]): number {
  const flag = argv.indexOf('--home');
  const home = resolve(flag >= 0 && argv[flag + 1] ? argv[flag + 1] : (process.env['MLC_AGENT_HOME'] ?? join(homedir(), '.mlc-agent')));
  const file = join(home, 'agent.json');
  if (!existsSync(file)) return 0;
  try {
    const config = JSON.parse(readFileSync(file, 'utf8')) as { profiles?: Array<{ kind?: string; maxConnections?: number }> };
    return (config.profiles ?? []).filter((p) => p.kind === 'sap-rfc').reduce((sum, p) => sum + (Number(p.maxConnections) || DEFAULT_MAX_CONNECTIONS), 0);
  } catch {
    // The config is validated (and its errors reported) properly later; here it only sizes a pool.
    return 0;
  }
}

if (process.argv[2] === 'run') {
  const wanted = Math.min(LIBUV_MAX, LIBUV_DEFAULT + configuredRfcConnections(process.argv));
  const current = Number(process.env['UV_THREADPOOL_SIZE'] ?? LIBUV_DEFAULT);
  if (wanted > current) process.env['UV_THREADPOOL_SIZE'] = String(wanted);
}
