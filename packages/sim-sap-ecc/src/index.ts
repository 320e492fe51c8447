export { Client } from './client/rfc-client.js';
export { Pool } from './client/rfc-pool.js';
export type * from './client/rfc-types.js';
export { RfcErrorGroup, RfcRc } from './protocol/rfc-errors.js';
export { defaultConfig, type FaultKnobs, type SimConfig } from './server/sim-config.js';
export { startSimSapEcc, type RunningSimSapEcc } from './server/sim-sap-ecc.js';
export { spawnSimSapEcc, type SimProcess } from './sim-process.js';
