import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const AGENT_CLI = join(REPO, 'agent/dist/cli/agent.cli.js');
export const DEMO_TENANT = 'demo';
export const DEMO_SITE = 'demo-site';
export const SAP_PROFILE = 'ECS-100';
export const CONSOLE_EMAIL = 'demo@example.com';

/** Where the demo keeps its state and which ports it uses: fixed defaults, each overridable by env. */
export interface DemoSettings {
  dir: string;
  relayHttpPort: number;
  relayGrpcPort: number;
  postgresPort: number;
  sapRfcPort: number;
  sapAdminPort: number;
  zohoPort: number;
  customers: number;
  vendors: number;
  logLevel: string;
}

export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  const port = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new RangeError(`${name}: expected a port number, got "${env[name]}"`);
    return value;
  };
  return {
    dir: resolve(env['MLC_DEMO_DIR'] ?? join(REPO, '.data/demo')),
    relayHttpPort: port('RELAY_HTTP_PORT', 8080),
    relayGrpcPort: port('RELAY_GRPC_PORT', 8081),
    postgresPort: port('RELAY_EMBEDDED_PG_PORT', 54329),
    sapRfcPort: port('MLC_DEMO_SAP_RFC_PORT', 3300),
    sapAdminPort: port('MLC_DEMO_SAP_ADMIN_PORT', 8082),
    zohoPort: port('MLC_DEMO_ZOHO_PORT', 8083),
    customers: Number(env['MLC_DEMO_CUSTOMERS'] ?? 3000),
    vendors: Number(env['MLC_DEMO_VENDORS'] ?? 1000),
    logLevel: env['LOG_LEVEL'] ?? 'warn',
  };
}

/** A secret made on the first start and read back afterwards (0600 in the demo directory). */
export async function keptSecret(dir: string, name: string, make: () => string): Promise<string> {
  const file = join(dir, name);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const value = make();
  await writeFile(file, value, { mode: 0o600 });
  return value;
}

export const randomToken = (prefix: string, bytes = 24): (() => string) => () => `${prefix}${randomBytes(bytes).toString('base64url')}`;
