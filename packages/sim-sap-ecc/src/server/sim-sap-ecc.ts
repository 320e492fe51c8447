import { AdminHttp } from '../admin/admin-http.js';
import { buildCatalog } from '../fm/fm-catalog.js';
import { CommitJournal } from '../store/commit-journal.js';
import { EccDatabase } from '../store/ecc-database.js';
import { Enqueue } from '../store/enqueue.js';
import { RfcServer } from './rfc-server.js';
import { defaultConfig, MAX_SESSIONS_LIMIT, type SimConfig } from './sim-config.js';

export interface RunningSimSapEcc {
  rfcPort: number;
  adminPort?: number;
  config: SimConfig;
  database: EccDatabase;
  stop(): Promise<void>;
}

/** Starts the simulated ECC in this process (the CLI runs it in its own process). */
export async function startSimSapEcc(overrides: Partial<SimConfig> = {}): Promise<RunningSimSapEcc> {
  const config = defaultConfig(overrides);
  if (!Number.isInteger(config.maxSessions) || config.maxSessions < 1 || config.maxSessions > MAX_SESSIONS_LIMIT) {
    throw new RangeError(`maxSessions must be between 1 and ${MAX_SESSIONS_LIMIT}`);
  }
  const identity = { seed: config.seed, client: config.client, customers: config.customers, vendors: config.vendors };
  const journal = config.dataDir === undefined ? undefined : CommitJournal.open(config.dataDir, identity);
  const database = new EccDatabase({ ...identity, journal });
  const enqueue = new Enqueue();
  const rfc = new RfcServer(config, database, enqueue, buildCatalog({ vendorFm: config.vendorFm, wideRead: config.wideRead }));
  const admin = config.adminPort === undefined ? undefined : new AdminHttp(database, enqueue, rfc, config.faults);
  let rfcPort: number;
  let adminPort: number | undefined;
  try {
    rfcPort = await rfc.start();
    adminPort = admin ? await admin.start(config.host, config.adminPort ?? 0) : undefined;
  } catch (err) {
    await rfc.stop();
    journal?.close();
    throw err;
  }
  return {
    rfcPort: rfcPort || config.port,
    adminPort,
    config,
    database,
    stop: async () => {
      await Promise.all([rfc.stop(), admin?.stop()]);
      journal?.close();
    },
  };
}
