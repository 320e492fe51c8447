import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSimZoho, type FieldDef, type SimZohoServer, type SimZohoState } from '@mlc/sim-zoho';

export const DEMO_ZOHO_CLIENT = { clientId: '1000.MLCDEMO', clientSecret: 'mlc-demo-secret' };

/** The custom fields the flows' default configs write to, as a Zoho admin would add them in Setup. */
export const DEMO_CUSTOM_FIELDS: ReadonlyArray<{ module: string; field: FieldDef }> = [
  { module: 'Accounts', field: { apiName: 'SAP_Customer_Number', type: 'text', unique: true } },
  { module: 'Accounts', field: { apiName: 'SAP_Credit_Limit', type: 'currency' } },
  { module: 'Accounts', field: { apiName: 'SAP_Credit_Status', type: 'text' } },
  { module: 'Accounts', field: { apiName: 'SAP_Payment_Terms', type: 'text' } },
  { module: 'Contacts', field: { apiName: 'SAP_Contact_Number', type: 'text', unique: true } },
  { module: 'Vendors', field: { apiName: 'SAP_Vendor_Number', type: 'text', unique: true } },
  { module: 'Vendors', field: { apiName: 'SAP_VAT_Number', type: 'text' } },
  { module: 'Invoices', field: { apiName: 'SAP_Document_Number', type: 'text' } },
];

/** The custom module the reference-data flow fills: one record per SAP master value. */
export const REFERENCE_MODULE = {
  apiName: 'SAP_Reference_Data',
  fields: [
    { apiName: 'SAP_Reference_Key', type: 'text', unique: true },
    { apiName: 'SAP_Type', type: 'text' },
    { apiName: 'SAP_Key', type: 'text' },
    { apiName: 'SAP_Company_Code', type: 'text' },
    { apiName: 'SAP_Description', type: 'text' },
  ] satisfies FieldDef[],
};

const SAVE_EVERY_MS = 10_000;

export interface DemoZoho {
  sim: SimZohoServer;
  /** Saves the org one last time and closes the server. */
  stop(): Promise<void>;
}

/**
 * sim-zoho in this process (Enterprise, EU data centre, consent approved at once), its org kept in
 * `zoho-state.json`: saved every 10 s and on stop, so a restarted demo finds the records, tokens and
 * watch channels the relay knows about. After a crash up to 10 s of Zoho writes can be missing.
 */
export async function startDemoZoho(dir: string, port: number, relayCallback: string): Promise<DemoZoho> {
  const file = join(dir, 'zoho-state.json');
  const state = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as SimZohoState) : undefined;
  const sim = await startSimZoho({
    port,
    clients: [{ ...DEMO_ZOHO_CLIENT, redirectUris: [relayCallback] }],
    settings: { autoApprove: true, orgDc: 'eu', edition: 'enterprise' },
    customFields: DEMO_CUSTOM_FIELDS,
    state,
  });
  if (!sim.records.table(REFERENCE_MODULE.apiName)) sim.records.addCustomModule(REFERENCE_MODULE.apiName, REFERENCE_MODULE.fields);
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => (saving = saving.then(async () => {
    await writeFile(`${file}.tmp`, JSON.stringify(sim.saveState()));
    await rename(`${file}.tmp`, file);
  }));
  const timer = setInterval(() => void save(), SAVE_EVERY_MS);
  timer.unref();
  return {
    sim,
    stop: async () => {
      clearInterval(timer);
      await save();
      await sim.close();
    },
  };
}
