import { AdminHttp } from '../admin/admin-http.js';
import { buildCatalog } from '../fm/fm-catalog.js';
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
  const database = new EccDatabase({ seed: config.seed, client: config.client, customers: config.customers, vendors: config.vendors });
  const enqueue = new Enqueue();
  const rfc = new RfcServer(config, database, enqueue, buildCatalog({ vendorFm: config.vendorFm, wideRead: config.wideRead }));
  const rfcPort = await rfc.start();
  const admin = config.adminPort === undefined ? undefined : new AdminHttp(database, enqueue, rfc, config.faults);
  const adminPort = admin ? await admin.start(config.host, config.adminPort ?? 0) : undefined;
  return {
    rfcPort: rfcPort || config.port,
    adminPort,
    config,
    database,
    stop: async () => {
      await Promise.all([rfc.stop(), admin?.stop()]);
    },
  };
}
