import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimProcess } from '@mlc/sim-sap-ecc';
import { AGENT_CLI } from './processes.js';

export interface SapProfileOptions {
  name?: string;
  maxConnections?: number;
  functionModules?: string[];
  tables?: Record<string, { maxRows: number }>;
}

/** Encrypts a value with `mlc-agent secret encrypt` (value on stdin), as an operator would. */
export function encryptSecret(home: string, value: string): string {
  const result = spawnSync(process.execPath, [AGENT_CLI, 'secret', 'encrypt', '--home', home], { input: value, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`secret encrypt failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}

/**
 * Adds a sap-rfc profile for the simulator (its client module loaded in place of node-rfc) and a
 * policy to an enrolled agent's agent.json.
 */
export async function addSapProfile(home: string, sim: SimProcess, options: SapProfileOptions = {}): Promise<string> {
  const file = join(home, 'agent.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const { passwd, ...connection } = sim.connectionParameters;
  const name = options.name ?? 'ECS-100';
  config['profiles'] = [{
    name, kind: 'sap-rfc', connection, password: encryptSecret(home, passwd ?? ''),
    maxConnections: options.maxConnections ?? 5, rfcModule: '@mlc/sim-sap-ecc',
  }];
  config['policy'] = {
    functionModules: options.functionModules ?? ['BAPI_PO_*', 'BAPI_CUSTOMER_*', 'STFC_CONNECTION', 'RFC_READ_TABLE'],
    tables: options.tables ?? { KNA1: { maxRows: 1_000_000 }, LFA1: { maxRows: 100 } },
  };
  await writeFile(file, JSON.stringify(config, null, 2));
  return name;
}
