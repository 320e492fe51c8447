import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { AGENT_CLI, SAP_PROFILE, type DemoSettings } from './demo-settings.js';

/** Every function module and table the five SAP flows need, and nothing else. */
const SYNC_POLICY = {
  functionModules: ['STFC_CONNECTION', 'BAPI_PO_CREATE1', 'BAPI_ACC_DOCUMENT_POST', 'Z_MLC_VENDOR_MAINTAIN'],
  tables: Object.fromEntries(['KNA1', 'KNB1', 'KNKK', 'KNVK', 'LFA1', 'LFB1', 'CDHDR', 'EKKO', 'BKPF', 'T001', 'SKA1', 'SKB1'].map((t) => [t, { maxRows: 2_000_000 }])),
};

/** sim-sap-ecc as its own process on the demo's ports; committed work is kept in `sap/`. */
export function startDemoSap(settings: DemoSettings): Promise<SimProcess> {
  return spawnSimSapEcc([
    '--port', String(settings.sapRfcPort), '--admin-port', String(settings.sapAdminPort),
    '--customers', String(settings.customers), '--vendors', String(settings.vendors), '--max-sessions', '20',
    '--data-dir', join(settings.dir, 'sap'),
  ]);
}

/**
 * Gives the enrolled agent its SAP profile (the simulator's client module in place of node-rfc, the
 * password sealed with `mlc-agent secret encrypt`, as an operator would) and the flows' policy.
 * Written on every start, so changed ports are picked up.
 */
export async function writeSapProfile(agentHome: string, sap: SimProcess): Promise<void> {
  const file = join(agentHome, 'agent.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const { passwd, ...connection } = sap.connectionParameters;
  config['profiles'] = [{
    name: SAP_PROFILE, kind: 'sap-rfc', connection, password: encryptSecret(agentHome, passwd ?? ''),
    maxConnections: 8, rfcModule: '@mlc/sim-sap-ecc',
  }];
  config['policy'] = SYNC_POLICY;
  await writeFile(file, JSON.stringify(config, null, 2));
}

function encryptSecret(home: string, value: string): string {
  const result = spawnSync(process.execPath, [AGENT_CLI, 'secret', 'encrypt', '--home', home], { input: value, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mlc-agent secret encrypt failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}
